#!/usr/bin/env bash
# Whole-process benchmark of `corridor run` (issue 15): the largest shipped scenario at
# 1,000, 10,000 and 100,000 replications, on 1 and 2 threads, tables only
# (`--no-charts`), and on 2 threads with charts; wall time, CPU time and peak memory per
# case, then the issue's targets computed from them. Cases of up to 10,000
# replications run three times, interleaved, and the table gives each one's median run
# with the range. Rewrites the block between the markers in docs/PERFORMANCE.md with
# the machine's description.
#
#   scripts/bench.sh                 # every case (about five minutes on 2 cores)
#   ROUNDS=1 scripts/bench.sh        # each case once
#   QUICK=1 scripts/bench.sh         # 1,000 and 10,000 replications only
#   SCENARIO=scenarios/x.toml scripts/bench.sh
#   REPS="100 200" scripts/bench.sh  # other replication counts (a smoke test)
#   NO_WRITE=1 scripts/bench.sh      # print the block, leave docs/PERFORMANCE.md alone
#
# Run it on an idle machine: the load average and a reference workload's time on each
# core (the VM's speed at the time) are recorded with the table.
set -euo pipefail
cd "$(dirname "$0")/.."

SCENARIO="${SCENARIO:-scenarios/tripp-opens.toml}"
if [[ -n "${REPS:-}" ]]; then
  read -ra REPS <<<"$REPS"
elif [[ -n "${QUICK:-}" ]]; then
  REPS=(1000 10000)
else
  REPS=(1000 10000 100000)
fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build --release --locked --quiet
BIN=target/release/corridor

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# The VM's speed at the time, core by core: a fixed workload that does not depend on
# this code (SHA-256 of 256 MiB of zeros), timed on each core before and after the
# runs. Its times move with the host's load; compare tables by them.
reference() {
  local c out=()
  for ((c = 0; c < $(nproc); c++)); do
    out+=("$( { /usr/bin/time -f '%e' taskset -c "$c" sh -c \
      'head -c 268435456 /dev/zero | sha256sum >/dev/null'; } 2>&1 | tail -1) s")
  done
  local IFS=/
  echo "${out[*]}"
}
command -v taskset >/dev/null || { echo "needs taskset (apt-get install util-linux)" >&2; exit 1; }
ref_before="$(reference)"
RAW="$OUT/raw.tsv"
: >"$RAW"
run_case() { # reps threads charts(yes|no)
  local reps=$1 threads=$2 charts=$3 flags=()
  [[ $charts == no ]] && flags+=(--no-charts)
  # wall s, user s, system s, peak RSS KiB of the whole process
  local m
  m=$(/usr/bin/time -f '%e %U %S %M' "$BIN" run "$SCENARIO" --replications "$reps" \
      --threads "$threads" --quiet --out "$OUT/runs" "${flags[@]}" 2>&1 >/dev/null | tail -1)
  printf '%s\t%s\t%s\t%s\n' "$reps" "$threads" "$charts" "${m// /$'\t'}" | tee -a "$RAW"
}

echo -e "reps\tthreads\tcharts\twall_s\tuser_s\tsys_s\trss_kib"
# A VM's speed drifts by a fifth within minutes: every case of up to 10,000
# replications runs ROUNDS times (default 3), the rounds interleaved so that a slow
# minute falls on every case alike, and the table gives each case's median run.
# Longer cases run once.
ROUNDS="${ROUNDS:-3}"
for ((round = 1; round <= ROUNDS; round++)); do
  for reps in "${REPS[@]}"; do
    ((round > 1 && reps > 10000)) && continue
    for threads in 1 2; do
      run_case "$reps" "$threads" no
    done
    run_case "$reps" 2 yes
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
ref_after="$(reference)"

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
mem="$(free -g | awk '/Mem:/ {print $2}')"
header="Measured $(date -u +%Y-%m-%d) by \`scripts/bench.sh\` on $(nproc) cores ($cpu), ${mem} GiB;
load average before ${load_before}, after ${load_after}; reference workload (SHA-256 of
256 MiB, per core) ${ref_before} before, ${ref_after} after. Scenario: \`$SCENARIO\`, release build."

python3 - "$RAW" "$header" "${NO_WRITE:-}" <<'PY'
import re, statistics, sys
raw, header, no_write = sys.argv[1], sys.argv[2], sys.argv[3]
runs = []
for line in open(raw):
    reps, threads, charts, wall, user, sys_s, rss = line.split()
    runs.append(dict(reps=int(reps), threads=int(threads), charts=charts, wall=float(wall),
                     cpu=float(user) + float(sys_s), rss_mb=int(rss) / 1024))
# Per case (in first-run order) its median run by wall, with the range of its walls.
rows = []
for key in dict.fromkeys((r["reps"], r["threads"], r["charts"]) for r in runs):
    mine = sorted((r for r in runs if (r["reps"], r["threads"], r["charts"]) == key),
                  key=lambda r: r["wall"])
    row = dict(mine[(len(mine) - 1) // 2])
    row["walls"] = [r["wall"] for r in mine]
    rows.append(row)
get = lambda reps, threads, charts: next(
    (r for r in rows if (r["reps"], r["threads"], r["charts"]) == (reps, threads, charts)), None)
out = [header, "",
       "| replications | threads | charts | runs | wall (median) | walls | CPU (user + sys) | peak RSS |",
       "|---:|---:|---|---:|---:|---|---:|---:|"]
for r in rows:
    walls = ", ".join(f"{w:.2f}" for w in r["walls"])
    out.append(f"| {r['reps']:,} | {r['threads']} | {r['charts']} | {len(r['walls'])} "
               f"| {r['wall']:.2f} s | {walls} | {r['cpu']:.2f} s | {r['rss_mb']:.0f} MB |")
reps = sorted({r["reps"] for r in rows})
checks = []
ten = get(10000, 2, "no")
if ten:
    checks.append(("10,000 replications, tables only, 2 threads", "<= 3 s (aim 1.5 s)",
                   f"{ten['wall']:.2f} s", ten["wall"] <= 3.0))
big, mid = get(100000, 2, "no"), get(10000, 2, "no")
if big and mid:
    x = big["wall"] / mid["wall"]
    checks.append(("linear: time of 100,000 / time of 10,000 (2 threads)", "<= 10.5",
                   f"{x:.2f}", x <= 10.5))
for n in reps:
    one, two = get(n, 1, "no"), get(n, 2, "no")
    if one and two and n >= 10000:
        x = one["wall"] / two["wall"]
        checks.append((f"speed-up of 2 threads over 1, {n:,} replications", ">= 1.85",
                       f"{x:.2f}", x >= 1.85))
lo, hi = get(reps[0], 2, "no"), get(reps[-1], 2, "no")
if lo and hi and lo is not hi:
    x = hi["rss_mb"] / lo["rss_mb"]
    checks.append((f"peak memory, {reps[-1]:,} / {reps[0]:,} replications", "<= 1.5",
                   f"{x:.2f}", x <= 1.5))
for n in reps[:1]:
    yes, no = get(n, 2, "yes"), get(n, 2, "no")
    if yes and no:
        # The fastest run with charts against the fastest without (a difference of two
        # medians would carry the drift of two runs).
        x = min(yes["walls"]) - min(no["walls"])
        checks.append((f"charts and report of one scenario (fastest wall with - without, "
                       f"{n:,})", "<= 0.5 s", f"{x:.2f} s", x <= 0.5))
if checks:
    out += ["", "| target | bound | measured | met |", "|---|---|---:|---|"]
    out += [f"| {a} | {b} | {c} | {'yes' if ok else 'no'} |" for a, b, c, ok in checks]
block = "\n".join(out)
print()
print(block)
if no_write:
    sys.exit(0)
path = "docs/PERFORMANCE.md"
doc = open(path).read()
start, end = "<!-- bench:start -->", "<!-- bench:end -->"
wrapped = f"{start}\n{block}\n{end}"
if start in doc and end in doc:
    doc = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: wrapped, doc, flags=re.S)
else:
    doc = doc.rstrip("\n") + "\n\n## Whole-process benchmark\n\n" + wrapped + "\n"
open(path, "w").write(doc)
print("\ndocs/PERFORMANCE.md updated")
PY
