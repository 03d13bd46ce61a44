#!/usr/bin/env bash
# Flame graph of `corridor run` (issue 15): perf samples with DWARF call stacks of the
# release build with line tables (`--profile profiling`), folded and drawn by inferno.
# Each box is a function; its width is its share of the samples, callees stacked above.
#
#   scripts/flamegraph.sh                        # -> docs/images/flamegraph-tripp-opens.svg
#   REPS=4000 THREADS=2 OUT=/tmp/x.svg scripts/flamegraph.sh
#   SCENARIO=scenarios/georgia-border-congestion.toml scripts/flamegraph.sh
#
# Defaults: 4,000 replications (past the exact-value budget, so every figure is
# sketched, as in a long study) on one thread, tables only. Needs perf (Debian:
# linux-perf) and inferno (`cargo install inferno`). Run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."

SCENARIO="${SCENARIO:-scenarios/tripp-opens.toml}"
REPS="${REPS:-4000}"
THREADS="${THREADS:-1}"
name="$(basename "$SCENARIO" .toml)"
OUT="${OUT:-docs/images/flamegraph-$name.svg}"

for tool in perf inferno-collapse-perf inferno-flamegraph; do
  command -v "$tool" >/dev/null || {
    echo "needs $tool (perf: apt-get install linux-perf; inferno: cargo install inferno)" >&2
    exit 1
  }
done

cargo build --profile profiling --locked --quiet
BIN="${CARGO_TARGET_DIR:-target}/profiling/corridor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

perf record --quiet -F 499 --call-graph dwarf,32768 -o "$TMP/perf.data" -- \
  "$BIN" run "$SCENARIO" --replications "$REPS" --threads "$THREADS" --no-charts \
  --quiet --out "$TMP/out"
perf script --no-inline -i "$TMP/perf.data" 2>/dev/null | inferno-collapse-perf >"$TMP/folded"
inferno-flamegraph \
  --title "corridor run $name: $REPS replications, $THREADS thread(s), tables only" \
  --subtitle "perf, DWARF call stacks; $(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))" \
  --minwidth 0.2 --width 1400 <"$TMP/folded" >"$OUT"
echo "$OUT: $(wc -l <"$TMP/folded") distinct stacks"
