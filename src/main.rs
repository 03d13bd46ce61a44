//! The terminal: parse arguments, call the library, print problems, choose exit codes
//! (0 success, 2 bad input or usage, 1 any other failure).

mod cli;

use std::io::IsTerminal;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use corridor_sim::output;
use corridor_sim::runner::{self, RunOptions};
use corridor_sim::scenario::{self, Loaded};
use corridor_sim::shard::{self, Shard, ShardError};
use indicatif::{ProgressBar, ProgressStyle};

use cli::{
    CalibrateArgs, Cli, Command, CompareArgs, KeptFormat, MergeArgs, ProblemFormat, RunArgs,
    RunFlags, SelectLinkArgs, SensitivityArgs, SweepArgs, TntpArgs,
};

/// mimalloc for the binary (Cargo.toml says why); `keep_freed_memory` tunes it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps memory freed by the process for its own reuse instead of returning it to the
/// system after a second (mimalloc's `purge_delay`, -1: never): a study frees and
/// reallocates the same blocks chunk after chunk, and returning them cost page faults
/// and system time (about 10% of a 10,000-replication study on 2 threads). Peak memory
/// rises by about a sixth with mimalloc (docs/PERFORMANCE.md). A user's `MIMALLOC_PURGE_DELAY`
/// (any value but the default, 1000) is left as set.
fn keep_freed_memory() {
    // `mi_option_purge_delay`: option 15 of mimalloc v3's `mi_option_t` (mimalloc.h;
    // libmimalloc-sys names the options around it but not this one).
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // Its default in this version (options.c), which a user's setting replaces.
    const DEFAULT_PURGE_DELAY_MS: std::ffi::c_long = 1000;
    // SAFETY: reads and sets a plain option at the start of `main`, before any thread
    // is spawned (mimalloc's option calls are not thread safe).
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == DEFAULT_PURGE_DELAY_MS {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
        }
    }
}

const BAD_INPUT: u8 = 2;
const FAILURE: u8 = 1;

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { BAD_INPUT } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Run(args) => run(&args),
        Command::Compare(args) => compare(&args),
        Command::Appraise(args) => appraise(&args),
        Command::Merge(args) => merge(&args),
        Command::Validate(args) => match args.format {
            ProblemFormat::Text => validate(&args.scenarios),
            ProblemFormat::Json => validate_json(&args.scenarios),
        },
        Command::Schema => {
            print!("{}", scenario::schema::scenario_schema_text());
            0
        }
        Command::Calibrate(args) => calibrate(&args),
        Command::Sweep(args) => sweep(&args),
        Command::Sensitivity(args) => sensitivity(&args),
        Command::SelectLink(args) => select_link(&args),
        Command::Tntp(args) => tntp(&args),
        Command::Import(cli::ImportCommand::Tntp(args)) => import_tntp(&args),
        Command::Import(cli::ImportCommand::Gmns(args)) => import_gmns(&args),
    };
    ExitCode::from(code)
}

/// Scenario files named directly, and the `*.toml` files of named folders (sorted).
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot read folder {}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml") && f.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!(
                    "folder {} holds no .toml scenario files",
                    p.display()
                ));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn load_all(paths: &[PathBuf]) -> (Vec<(PathBuf, Loaded)>, bool) {
    let mut ok = Vec::new();
    let mut bad = false;
    for p in paths {
        match scenario::load(p) {
            Ok(l) => {
                for w in &l.warnings {
                    eprintln!("{w}");
                }
                ok.push((p.clone(), l));
            }
            Err(e) => {
                eprintln!("{e}");
                bad = true;
            }
        }
    }
    (ok, bad)
}

fn validate(paths: &[PathBuf]) -> u8 {
    let files = match expand(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let (ok, mut bad) = load_all(&files);
    for (p, l) in &ok {
        let s = &l.scenario;
        // An [appraisal] section is checked too (against the scenario itself as base).
        if let Err(corridor_sim::appraisal::inputs::InputError::Invalid(problems)) =
            corridor_sim::appraisal::inputs::load(&l.files, s, s)
        {
            for problem in problems {
                eprintln!("{problem}");
            }
            bad = true;
            continue;
        }
        println!(
            "{}: ok: scenario `{}`, {} nodes, {} links, {} flows, {}-{}, {} uncertain input{}",
            p.display(),
            s.name,
            s.nodes.len(),
            s.links.len(),
            s.demand.len(),
            s.first_year,
            s.last_year,
            s.n_draws,
            if s.n_draws == 1 { "" } else { "s" }
        );
    }
    if bad { BAD_INPUT } else { 0 }
}

/// `corridor calibrate`: fit, print the table, write the calibrated scenario.
fn calibrate(args: &CalibrateArgs) -> u8 {
    use corridor_sim::calibrate::{self as cal, file};
    let (ok, bad) = load_all(std::slice::from_ref(&args.scenario));
    let Some((path, loaded)) = ok.into_iter().next().filter(|_| !bad) else {
        return BAD_INPUT;
    };
    let s = &loaded.scenario;
    let fit = match cal::calibrate(s, args.year) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return BAD_INPUT;
        }
    };
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map(|x| x.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        path.with_file_name(format!("{stem}-calibrated.toml"))
    });
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return FAILURE;
    }
    let base = file::relative_path(&dir, &path);
    let text = file::scenario_file(s, &fit, &base);
    if let Err(e) = std::fs::write(&out, text) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return FAILURE;
    }
    let mut stdout = std::io::stdout().lock();
    let _ = write!(stdout, "{}", file::report(&fit));
    let _ = writeln!(stdout, "Wrote {}", out.display());
    0
}

/// `validate --format json`: one JSON document on stdout with every file's outcome and
/// every problem (fields in docs/FORMAT.md, "Problems as JSON"); nothing on stderr.
fn validate_json(paths: &[PathBuf]) -> u8 {
    let files = match expand(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let (mut outcomes, mut problems) = (Vec::new(), Vec::new());
    let mut bad = false;
    for p in &files {
        let (ok, found) = match scenario::load(p) {
            Ok(l) => (true, l.warnings),
            Err(e) => (false, e.problems().to_vec()),
        };
        bad |= !ok;
        outcomes.push(serde_json::json!({ "file": p.display().to_string(), "ok": ok }));
        problems.extend(found);
    }
    let count = |sev| problems.iter().filter(|p| p.severity == sev).count();
    let doc = serde_json::json!({
        "files": outcomes,
        "errors": count(scenario::problem::Severity::Error),
        "warnings": count(scenario::problem::Severity::Warning),
        "problems": problems.iter().map(|p| p.to_json()).collect::<Vec<_>>(),
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
    );
    if bad { BAD_INPUT } else { 0 }
}

/// Checks the flags shared by `run` and `compare`.
fn check_flags(f: &RunFlags) -> Result<RunOptions, String> {
    if f.threads == Some(0) {
        return Err("--threads must be at least 1".into());
    }
    if let Some(n) = f.replications
        && !(1..=corridor_sim::MAX_REPLICATIONS).contains(&n)
    {
        return Err(format!(
            "--replications must be between 1 and {}",
            corridor_sim::MAX_REPLICATIONS
        ));
    }
    Ok(RunOptions {
        replications: f.replications,
        seed: f.seed,
        threads: f.threads,
        exact_values: f.exact_values,
    })
}

/// A progress bar on a terminal, nothing otherwise or with --quiet.
fn progress_bar(quiet: bool, len: u64, label: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(len);
    b.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len} replications, {elapsed} elapsed, ~{eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    b.set_message(label.to_string());
    b
}

fn run(args: &RunArgs) -> u8 {
    let files = match expand(&args.scenarios) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let opts = match check_flags(&args.flags) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    if args.keep_replications && args.flags.shard.is_some() {
        eprintln!("error: --keep-replications cannot be combined with --shard");
        return BAD_INPUT;
    }
    let (loaded, bad) = load_all(&files);
    let mut code = if bad { BAD_INPUT } else { 0 };
    let mut names: Vec<String> = Vec::new();
    let mut wrote = 0;
    for (path, l) in loaded {
        let dir_name = output::safe_dir_name(&l.scenario.name);
        if names.contains(&dir_name) {
            eprintln!(
                "{}: error: another scenario of this run is also named `{}`; give each a distinct [scenario] name",
                path.display(),
                l.scenario.name
            );
            code = BAD_INPUT;
            continue;
        }
        names.push(dir_name.clone());
        let requested = opts.replications.unwrap_or(l.scenario.replications);
        if let Some(msg) = scenario::limits::run_size_error(&l.scenario, requested) {
            eprintln!("{}: error: {msg}", path.display());
            code = BAD_INPUT;
            continue;
        }
        if let Some(sh) = args.flags.shard {
            if let Err(e) = shard_one(&path, &l, &opts, sh, &args.flags) {
                eprintln!("{}: error: {e}", path.display());
                code = code.max(FAILURE);
            }
            continue;
        }
        let dest = args.flags.out.join(&dir_name);
        match run_one(&path, &l, &opts, args, &dest) {
            Ok(()) => wrote += 1,
            Err(e) => {
                eprintln!("{}: error: {e}", path.display());
                code = code.max(FAILURE);
            }
        }
    }
    // The list of runs is refreshed only when this run added to it.
    if wrote > 0
        && args.flags.out.is_dir()
        && let Err(e) = output::write_runs_index(&args.flags.out)
    {
        eprintln!(
            "error: cannot write {}: {e}",
            args.flags.out.join("index.html").display()
        );
        code = code.max(FAILURE);
    }
    code
}

fn run_one(
    path: &Path,
    l: &Loaded,
    opts: &RunOptions,
    args: &RunArgs,
    dest: &Path,
) -> Result<(), String> {
    let s = &l.scenario;
    let quiet = args.flags.quiet;
    let requested = opts.replications.unwrap_or(s.replications);
    let seed = opts.seed.unwrap_or(s.seed);
    let staging =
        output::Staging::new(dest).map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
    let bar = progress_bar(quiet, runner::replications(s, opts), &s.name);
    // Per-replication figures stream into the staging folder as the study runs.
    let mut kept = if args.keep_replications {
        let format = match args.replications_format {
            KeptFormat::Parquet => output::replications::Format::Parquet,
            KeptFormat::Csv => output::replications::Format::Csv,
        };
        Some(
            output::replications::ReplicationWriter::create(&staging.path(Path::new("")), format)
                .map_err(|e| format!("cannot write replications: {e}"))?,
        )
    } else {
        None
    };
    let mut write_error: Option<std::io::Error> = None;
    let (results, sens) = corridor_sim::sensitivity::run(
        s,
        &l.study,
        opts,
        &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
        &mut |first, chunk| {
            if let (Some(k), None) = (kept.as_mut(), &write_error) {
                for (i, years) in chunk.iter().enumerate() {
                    if let Err(e) = k.write(s, first + i as u64, years) {
                        write_error = Some(e);
                        break;
                    }
                }
            }
        },
    )
    .map_err(|e| format!("cannot start worker threads: {e}"))?;
    bar.finish_and_clear();
    if let Some(e) = write_error {
        return Err(format!("cannot write replications: {e}"));
    }
    if let Some(k) = kept {
        k.finish()
            .map_err(|e| format!("cannot write replications: {e}"))?;
    }
    for w in results.candidate_route_warnings() {
        eprintln!("warning: {}: {w}", path.display());
    }
    let warnings: Vec<String> = l.warnings.iter().map(|w| w.to_string()).collect();
    let render_opts = output::RenderOptions {
        charts: !args.no_charts,
    };
    let files = output::render_run(
        s,
        &results,
        seed,
        requested,
        &warnings,
        sens.as_ref(),
        render_opts,
    )
    .map_err(|e| e.to_string())?;
    for (rel, bytes) in &files {
        staging
            .write(rel, bytes)
            .map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
    }
    staging
        .commit()
        .map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
    if !quiet {
        eprintln!(
            "{}: {} replication{} of {}-{} written to {}",
            path.display(),
            results.replications,
            if results.replications == 1 { "" } else { "s" },
            s.first_year,
            s.last_year,
            dest.display()
        );
    }
    Ok(())
}

/// Runs shard `sh` of a scenario's replications and writes its shard file.
fn shard_one(
    path: &Path,
    l: &Loaded,
    opts: &RunOptions,
    sh: Shard,
    flags: &RunFlags,
) -> Result<(), String> {
    let s = &l.scenario;
    let range = sh.range(runner::replications(s, opts));
    let bar = progress_bar(
        flags.quiet,
        range.end - range.start,
        &format!("{} {sh}", s.name),
    );
    let (name, bytes) = shard::merge::run_shard(path, l, opts, sh, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    write_shard(&flags.out.join(name), &bytes, sh, range, flags.quiet)
}

/// Writes a shard file and says so.
fn write_shard(
    dest: &Path,
    bytes: &[u8],
    sh: Shard,
    range: std::ops::Range<u64>,
    quiet: bool,
) -> Result<(), String> {
    shard::file::write(dest, bytes).map_err(|e| e.to_string())?;
    if !quiet {
        eprintln!(
            "shard {sh}: replications {}..{} written to {}",
            range.start,
            range.end,
            dest.display()
        );
    }
    Ok(())
}

/// Merges shard files into the folder one run (or comparison) of the study writes.
fn merge(args: &MergeArgs) -> u8 {
    let merged = match shard::merge(&args.shards) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return match e {
                ShardError::Threads(_) => FAILURE,
                _ => BAD_INPUT,
            };
        }
    };
    let (dest, files, what) = match &merged {
        shard::Merged::Run {
            loaded,
            results,
            seed,
            requested,
            warnings,
            sensitivity,
        } => {
            let s = &loaded.scenario;
            let dest = args.out.join(output::safe_dir_name(&s.name));
            let files = output::render_run(
                s,
                results,
                *seed,
                *requested,
                warnings,
                sensitivity.as_deref(),
                output::RenderOptions::default(),
            );
            let what = format!(
                "{}: {} replication{}",
                s.name,
                results.replications,
                if results.replications == 1 { "" } else { "s" }
            );
            (dest, files, what)
        }
        shard::Merged::Compare {
            base,
            policy,
            comparison,
            seed,
        } => {
            let (b, p) = (&base.scenario, &policy.scenario);
            let dest = args.out.join(output::safe_dir_name(&format!(
                "compare-{}-vs-{}",
                b.name, p.name
            )));
            let files = output::render_comparison(b, p, comparison, *seed);
            let n = comparison.base.replications;
            let what = format!(
                "{} vs {}: {n} paired replication{}",
                b.name,
                p.name,
                if n == 1 { "" } else { "s" }
            );
            (dest, files, what)
        }
    };
    let files = match files {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    if let Err(e) = output::write_folder(&dest, &files) {
        eprintln!("error: cannot write {}: {e}", dest.display());
        return FAILURE;
    }
    if let Err(e) = output::write_runs_index(&args.out) {
        eprintln!(
            "error: cannot write {}: {e}",
            args.out.join("index.html").display()
        );
        return FAILURE;
    }
    if !args.quiet {
        eprintln!("{what} merged into {}", dest.display());
    }
    0
}

/// Loads the base and policy of `compare` and `appraise`, with the flags.
fn load_pair(args: &CompareArgs) -> Result<(Vec<(PathBuf, Loaded)>, RunOptions), u8> {
    let opts = check_flags(&args.flags).map_err(|e| {
        eprintln!("error: {e}");
        BAD_INPUT
    })?;
    let (loaded, bad) = load_all(&[args.base.clone(), args.policy.clone()]);
    if bad || loaded.len() != 2 {
        return Err(BAD_INPUT);
    }
    Ok((loaded, opts))
}

/// The exit code of a failed comparison, with its message: two horizons without a
/// common year are bad input (`what` says what could not be done), anything else a
/// failure.
fn paired_failure(e: &corridor_sim::compare::CompareError, what: &str) -> u8 {
    match e {
        corridor_sim::compare::CompareError::NoCommonYear(..) => {
            eprintln!("error: {what}: {e}");
            BAD_INPUT
        }
        _ => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}

fn compare(args: &CompareArgs) -> u8 {
    let (loaded, opts) = match load_pair(args) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (base, policy) = (&loaded[0].1.scenario, &loaded[1].1.scenario);
    let cannot = format!(
        "cannot compare {} with {}",
        args.base.display(),
        args.policy.display()
    );
    if let Some(sh) = args.flags.shard {
        let range = sh.range(corridor_sim::compare::replications(base, policy, &opts));
        let label = format!("{} vs {} {sh}", base.name, policy.name);
        let bar = progress_bar(args.flags.quiet, range.end - range.start, &label);
        let result = shard::merge::compare_shard(
            (&loaded[0].0, &loaded[0].1),
            (&loaded[1].0, &loaded[1].1),
            &opts,
            sh,
            &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            },
        );
        bar.finish_and_clear();
        let written = match result {
            Ok((name, bytes)) => write_shard(
                &args.flags.out.join(name),
                &bytes,
                sh,
                range,
                args.flags.quiet,
            ),
            Err(ShardError::Compare(e @ corridor_sim::compare::CompareError::NoCommonYear(..))) => {
                return paired_failure(&e, &cannot);
            }
            Err(e) => Err(e.to_string()),
        };
        return match written {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: {e}");
                FAILURE
            }
        };
    }
    let seed = opts.seed.unwrap_or(base.seed);
    let label = format!("{} vs {}", base.name, policy.name);
    let reps = corridor_sim::compare::replications(base, policy, &opts);
    let bar = progress_bar(args.flags.quiet, reps, &label);
    let result = corridor_sim::compare::compare(base, policy, &opts, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    let c = match result {
        Ok(c) => c,
        Err(e) => return paired_failure(&e, &cannot),
    };
    let files = match output::render_comparison(base, policy, &c, seed) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    let n = c.base.replications;
    write_out(
        &args.flags.out,
        &format!("compare-{}-vs-{}", base.name, policy.name),
        &files,
        args.flags.quiet,
        &format!(
            "{} vs {}: {n} paired replication{}",
            base.name,
            policy.name,
            if n == 1 { "" } else { "s" }
        ),
    )
}

fn appraise(args: &CompareArgs) -> u8 {
    let (loaded, opts) = match load_pair(args) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (base, policy) = (&loaded[0].1.scenario, &loaded[1].1.scenario);
    let inputs = match corridor_sim::appraisal::inputs::load(&loaded[1].1.files, base, policy) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return BAD_INPUT;
        }
    };
    let label = format!("appraise {} vs {}", base.name, policy.name);
    let reps = corridor_sim::compare::replications(base, policy, &opts);
    let bar = progress_bar(args.flags.quiet, reps, &label);
    let result =
        corridor_sim::appraisal::appraise(base, policy, &inputs, &opts, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        });
    bar.finish_and_clear();
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            let what = format!(
                "cannot appraise {} against {}",
                args.policy.display(),
                args.base.display()
            );
            return paired_failure(&e, &what);
        }
    };
    let files = match output::appraisal::render_appraisal(base, policy, &r) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    let enpv = r.headline[0].1;
    let n = r.enpv_draws.len();
    write_out(
        &args.flags.out,
        &format!("appraise-{}-vs-{}", base.name, policy.name),
        &files,
        args.flags.quiet,
        &format!(
            "{} vs {}: ENPV {} MUSD (5-95%: {} to {}), P(ENPV < 0) = {}; {n} paired replication{}",
            policy.name,
            base.name,
            output::csv::fmt_num(enpv.mean.round()),
            output::csv::fmt_num(enpv.p[0].round()),
            output::csv::fmt_num(enpv.p[4].round()),
            output::csv::fmt_num(r.p_enpv_negative),
            if n == 1 { "" } else { "s" }
        ),
    )
}

/// Loads one scenario for `sweep`, `sensitivity` and `select-link`, with the flags.
fn load_one(path: &Path, flags: &RunFlags) -> Result<(Loaded, RunOptions), u8> {
    let opts = check_flags(flags).map_err(|e| {
        eprintln!("error: {e}");
        BAD_INPUT
    })?;
    let (mut loaded, bad) = load_all(&[path.to_path_buf()]);
    if bad || loaded.is_empty() {
        return Err(BAD_INPUT);
    }
    Ok((loaded.remove(0).1, opts))
}

/// Writes a folder of results and refreshes the runs index.
fn write_out(out: &Path, dir: &str, files: &[(PathBuf, Vec<u8>)], quiet: bool, what: &str) -> u8 {
    let dest = out.join(output::safe_dir_name(dir));
    if let Err(e) = output::write_folder(&dest, files) {
        eprintln!("error: cannot write {}: {e}", dest.display());
        return FAILURE;
    }
    if let Err(e) = output::write_runs_index(out) {
        eprintln!(
            "error: cannot write {}: {e}",
            out.join("index.html").display()
        );
        return FAILURE;
    }
    if !quiet {
        eprintln!("{what} written to {}", dest.display());
    }
    0
}

fn sweep(args: &SweepArgs) -> u8 {
    let (l, opts) = match load_one(&args.scenario, &args.flags) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let s = &l.scenario;
    let sweeps = if let Some(input) = &args.input {
        let raw = corridor_sim::scenario::raw::RawSweep {
            id: Some(args.id.clone().unwrap_or_else(|| "cli".into())),
            input: Some(input.clone()),
            values: args.values.clone(),
            from: args.from,
            to: args.to,
            step: args.step,
            outputs: (!args.outputs.is_empty()).then(|| args.outputs.clone()),
            switch: args
                .below
                .as_ref()
                .map(|b| corridor_sim::scenario::raw::RawSwitch {
                    output: args.outputs.first().cloned(),
                    below: Some(match b.parse::<f64>() {
                        Ok(v) => corridor_sim::scenario::raw::RawThreshold::Value(v),
                        Err(_) => corridor_sim::scenario::raw::RawThreshold::Output(b.clone()),
                    }),
                }),
            ..Default::default()
        };
        match corridor_sim::scenario::study::sweep_from_raw(s, &raw) {
            Ok(sw) => vec![sw],
            Err(e) => {
                eprintln!("error: {e}");
                return BAD_INPUT;
            }
        }
    } else {
        let all: Vec<_> = l
            .study
            .sweeps
            .iter()
            .filter(|sw| args.id.as_ref().is_none_or(|id| *id == sw.id))
            .cloned()
            .collect();
        if all.is_empty() {
            eprintln!(
                "error: {} has no [[sweep]]{}; add one or give --input with --values or --from/--to/--step",
                args.scenario.display(),
                args.id
                    .as_ref()
                    .map(|i| format!(" with id `{i}`"))
                    .unwrap_or_default()
            );
            return BAD_INPUT;
        }
        all
    };
    let mut code = 0;
    for sw in &sweeps {
        let points: u64 = sw.inputs.iter().map(|i| i.values.len() as u64).product();
        let reps = corridor_sim::sensitivity::sweep::replications(s, sw, &opts);
        let bar = progress_bar(
            args.flags.quiet,
            points * reps,
            &format!("{} {}", s.name, sw.id),
        );
        let result = corridor_sim::sensitivity::sweep::run(s, sw, &opts, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        });
        bar.finish_and_clear();
        let r = match result {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: cannot start worker threads: {e}");
                return FAILURE;
            }
        };
        let files = match output::sensitivity::sweep_files(s, &r) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return FAILURE;
            }
        };
        if !args.flags.quiet
            && let Some(sv) = &r.switching
        {
            match sv.value {
                Some(x) => eprintln!(
                    "{}: switching value {} = {x:.3} (replications 5-95%: {:.3}-{:.3})",
                    sw.id, sw.inputs[0].target.key, sv.band.p[0], sv.band.p[4]
                ),
                None => eprintln!(
                    "{}: the output does not fall below its threshold in the range",
                    sw.id
                ),
            }
        }
        code = code.max(write_out(
            &args.flags.out,
            &format!("sweep-{}-{}", s.name, sw.id),
            &files,
            args.flags.quiet,
            &format!(
                "sweep {} ({} points x {} replications)",
                sw.id,
                r.points.len(),
                r.replications
            ),
        ));
    }
    code
}

fn sensitivity(args: &SensitivityArgs) -> u8 {
    let (l, opts) = match load_one(&args.scenario, &args.flags) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let s = &l.scenario;
    if !s.is_stochastic() {
        eprintln!(
            "error: {} has no uncertain inputs: there is nothing to attribute variance to",
            args.scenario.display()
        );
        return BAD_INPUT;
    }
    if !(2..=1_000_000).contains(&args.samples) {
        eprintln!("error: --samples must be between 2 and 1000000");
        return BAD_INPUT;
    }
    let mut outputs = Vec::new();
    for name in &args.outputs {
        match corridor_sim::scenario::study::parse_output(s, name) {
            Ok(o) => outputs.push(o),
            Err(e) => {
                eprintln!("error: --output {name}: {e}");
                return BAD_INPUT;
            }
        }
    }
    if outputs.is_empty() {
        outputs = l.study.outputs.clone();
    }
    if outputs.is_empty() {
        eprintln!("error: no output to explain; give --output NAME");
        return BAD_INPUT;
    }
    let k = corridor_sim::sensitivity::factors(s).len() as u64;
    let total = args.samples as u64 * (k + 2);
    let bar = progress_bar(args.flags.quiet, total, &s.name);
    let seed = opts.seed.unwrap_or(s.seed);
    let result = corridor_sim::sensitivity::sobol::run(
        s,
        &outputs,
        args.samples,
        seed,
        args.resamples,
        opts.threads,
        &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    );
    bar.finish_and_clear();
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start worker threads: {e}");
            return FAILURE;
        }
    };
    let files = output::sensitivity::sobol_files(s, &r);
    write_out(
        &args.flags.out,
        &format!("sensitivity-{}", s.name),
        &files,
        args.flags.quiet,
        &format!("Sobol' indices ({} runs)", r.runs),
    )
}

fn select_link(args: &SelectLinkArgs) -> u8 {
    let (l, opts) = match load_one(&args.scenario, &args.flags) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let s = &l.scenario;
    let (kind, id) = match (&args.link, &args.node, &args.corridor) {
        (Some(id), _, _) => ("link", id),
        (_, Some(id), _) => ("node", id),
        (_, _, Some(id)) => ("corridor", id),
        _ => {
            eprintln!("error: name what to select: --link ID, --node ID or --corridor ID");
            return BAD_INPUT;
        }
    };
    let sel = match corridor_sim::sensitivity::select_link::Selection::parse(s, kind, id) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let bar = progress_bar(args.flags.quiet, runner::replications(s, &opts), &s.name);
    let result = corridor_sim::sensitivity::select_link::run(s, sel, &opts, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start worker threads: {e}");
            return FAILURE;
        }
    };
    let diversion = match &args.base {
        None => None,
        Some(bp) => {
            let (loaded, bad) = load_all(std::slice::from_ref(bp));
            if bad || loaded.is_empty() {
                return BAD_INPUT;
            }
            let base = &loaded[0].1.scenario;
            let bar = progress_bar(args.flags.quiet, r.replications, &base.name);
            let d = corridor_sim::sensitivity::select_link::diversion(
                base,
                s,
                &r,
                &opts,
                &mut |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                },
            );
            bar.finish_and_clear();
            match d {
                Ok(d) => Some(d),
                Err(e) => {
                    eprintln!("error: cannot start worker threads: {e}");
                    return FAILURE;
                }
            }
        }
    };
    let files = match output::sensitivity::select_link_files(s, &r, diversion.as_ref()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    write_out(
        &args.flags.out,
        &format!("select-link-{}-{id}", s.name),
        &files,
        args.flags.quiet,
        &format!("select-link of {}", sel.describe(s)),
    )
}

/// `corridor tntp`: solve a TNTP network and compare with its best-known flows.
fn tntp(args: &TntpArgs) -> u8 {
    use corridor_sim::equilibrium::{self, Options};
    use corridor_sim::import::tntp as reader;
    if !(args.gap >= 0.0 && args.gap.is_finite()) || args.threads == Some(0) {
        eprintln!("error: --gap must be a number >= 0 and --threads at least 1");
        return BAD_INPUT;
    }
    let mut data = match reader::read_dir(&args.dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    data.toll_factor = args.toll_factor.unwrap_or(data.toll_factor);
    data.distance_factor = args.distance_factor.unwrap_or(data.distance_factor);
    let (net, demand) = match data.network() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {}: {e}", args.dir.display());
            return BAD_INPUT;
        }
    };
    println!(
        "{}: {} nodes, {} links, {} origin-destination pairs, {} trips; toll weight {}, distance weight {}, first through node {}",
        data.name,
        net.n_nodes,
        net.n_links(),
        demand.n_pairs(),
        demand.total(),
        data.toll_factor,
        data.distance_factor,
        data.net.first_thru_node
    );
    let opts = Options {
        gap: args.gap,
        max_iterations: args.max_iter,
        ..Options::default()
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: thread pool: {e}");
            return FAILURE;
        }
    };
    let sol = match pool.install(|| equilibrium::solve(&net, &demand, &opts)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    if !args.quiet {
        println!(
            "{:>9} {:>10} {:>12} {:>22} {:>9}",
            "iteration", "seconds", "gap", "beckmann", "paths"
        );
        for p in &sol.history {
            println!(
                "{:>9} {:>10.3} {:>12.3e} {:>22.10} {:>9}",
                p.iteration, p.seconds, p.gap, p.beckmann, p.paths
            );
        }
    }
    let seconds = sol.history.last().map_or(0.0, |p| p.seconds);
    println!(
        "{} after {} iterations in {seconds:.3} s ({} threads): relative gap {:.3e}, Beckmann objective {:.10}",
        if sol.converged {
            "converged"
        } else {
            "NOT converged"
        },
        sol.iterations,
        pool.current_num_threads(),
        sol.gap.relative(),
        sol.beckmann
    );
    if let Some(known) = data.best_known_link_flows() {
        let d = equilibrium::compare_flows(&net, &sol.link_flow, &known);
        println!(
            "best-known flows: Beckmann {:.10} (ours {:+.3e} relative); on links with b > 0 above 1% of capacity, largest flow difference {:.3e} (link {}-{}); gap of the best-known flows {}",
            d.beckmann_known,
            d.beckmann_relative,
            d.worst_relative,
            data.net.links[d.worst_link].from,
            data.net.links[d.worst_link].to,
            equilibrium::measure(&net, &demand, &known)
                .map_or_else(|e| e.to_string(), |g| format!("{:.3e}", g.relative()))
        );
    }
    if let Some(path) = &args.flows {
        let mut text = String::from("from,to,flow,cost\n");
        for (l, link) in data.net.links.iter().enumerate() {
            text.push_str(&format!(
                "{},{},{},{}\n",
                link.from, link.to, sol.link_flow[l], sol.link_cost[l]
            ));
        }
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("error: {}: {e}", path.display());
            return FAILURE;
        }
    }
    if sol.converged { 0 } else { FAILURE }
}

/// `corridor import tntp`: a TNTP folder as a scenario file.
fn import_tntp(args: &cli::ImportTntpArgs) -> u8 {
    use corridor_sim::import::tntp as reader;
    let data = match reader::read_dir(&args.dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    if !(1..=100).contains(&args.k_routes) {
        eprintln!("error: --k-routes must be between 1 and 100");
        return BAD_INPUT;
    }
    let coordinates = match reader::read_coordinates(&args.dir, data.net.n_nodes) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| data.name.to_lowercase());
    let opts = reader::ScenarioOptions {
        name: name.clone(),
        year: args.year,
        k_routes: args.k_routes,
        tolerance: 1e-6,
        max_iterations: 5000,
        coordinates,
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{name}.toml")));
    if let Err(e) = std::fs::write(&out, reader::to_scenario_toml(&data, &opts)) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return FAILURE;
    }
    println!(
        "{}: {} nodes, {} links, {} flows written to {}",
        data.name,
        data.net.n_nodes,
        data.net.links.len(),
        data.trips.len(),
        out.display()
    );
    0
}

/// `corridor import gmns`: a GMNS folder as a scenario file.
fn import_gmns(args: &cli::ImportGmnsArgs) -> u8 {
    use corridor_sim::import::gmns;
    let positive = |v: f64| v.is_finite() && v > 0.0;
    let ok = positive(args.hours_per_year)
        && positive(args.tonnes_per_vehicle)
        && args.value_of_time.is_finite()
        && args.value_of_time >= 0.0
        && (1..=100).contains(&args.k_routes);
    if !ok {
        eprintln!(
            "error: --hours-per-year and --tonnes-per-vehicle must be > 0, --value-of-time >= 0, --k-routes 1-100"
        );
        return BAD_INPUT;
    }
    let name = args.name.clone().unwrap_or_else(|| {
        args.dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("gmns")
            .to_string()
    });
    let opts = gmns::GmnsOptions {
        name: name.clone(),
        year: args.year,
        k_routes: args.k_routes,
        hours_per_year: args.hours_per_year,
        tonnes_per_vehicle: args.tonnes_per_vehicle,
        value_of_time_usd_per_t_h: args.value_of_time,
        ..gmns::GmnsOptions::default()
    };
    let text = match gmns::to_scenario_toml(&args.dir, &opts) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{name}.toml")));
    if let Err(e) = std::fs::write(&out, text) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return FAILURE;
    }
    println!("{} written to {}", args.dir.display(), out.display());
    0
}
