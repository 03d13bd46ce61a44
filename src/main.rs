//! The terminal: parse arguments, call the library, print problems, choose exit codes
//! (0 success, 2 bad input or usage, 1 any other failure).

mod cli;

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use corridor_sim::output;
use corridor_sim::runner::{self, RunOptions};
use corridor_sim::scenario::{self, Loaded};
use indicatif::{ProgressBar, ProgressStyle};

use cli::{Cli, Command, CompareArgs, RunArgs, RunFlags};

const BAD_INPUT: u8 = 2;
const FAILURE: u8 = 1;

fn main() -> ExitCode {
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
        Command::Validate(args) => validate(&args.scenarios),
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
    let (ok, bad) = load_all(&files);
    for (p, l) in &ok {
        let s = &l.scenario;
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
        exact_values: None,
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
        Some(
            KeptReplications::open(&staging)
                .map_err(|e| format!("cannot write replications: {e}"))?,
        )
    } else {
        None
    };
    let mut write_error: Option<std::io::Error> = None;
    let results = runner::run_observed(
        s,
        opts,
        &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
        &mut |first, chunk| {
            if let (Some(k), None) = (kept.as_mut(), &write_error) {
                for (i, years) in chunk.iter().enumerate() {
                    if let Err(e) = output::replications::write_replication(
                        s,
                        first + i as u64,
                        years,
                        &mut k.corridors,
                        &mut k.od,
                    ) {
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
    let render_opts = output::RenderOptions {
        charts: !args.no_charts,
    };
    let files = output::render_with(s, &results, seed, requested, &l.warnings, render_opts)
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

/// The two CSV files of `--keep-replications`, open for appending.
struct KeptReplications {
    corridors: BufWriter<File>,
    od: BufWriter<File>,
}

impl KeptReplications {
    fn open(staging: &output::Staging) -> std::io::Result<KeptReplications> {
        let open = |rel: &str, header: String| -> std::io::Result<BufWriter<File>> {
            let path = staging.path(Path::new(rel));
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut w = BufWriter::new(File::create(path)?);
            w.write_all(header.as_bytes())?;
            Ok(w)
        };
        Ok(KeptReplications {
            corridors: open(
                output::replications::CORRIDORS_FILE,
                output::replications::corridors_header(),
            )?,
            od: open(
                output::replications::OD_FILE,
                output::replications::od_header(),
            )?,
        })
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.corridors.flush()?;
        self.od.flush()
    }
}

fn compare(args: &CompareArgs) -> u8 {
    let opts = match check_flags(&args.flags) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let (loaded, bad) = load_all(&[args.base.clone(), args.policy.clone()]);
    if bad || loaded.len() != 2 {
        return BAD_INPUT;
    }
    let (base, policy) = (&loaded[0].1.scenario, &loaded[1].1.scenario);
    let seed = opts.seed.unwrap_or(base.seed);
    let label = format!("{} vs {}", base.name, policy.name);
    let bar = progress_bar(
        args.flags.quiet,
        opts.replications
            .unwrap_or(base.replications.max(policy.replications)),
        &label,
    );
    let result = corridor_sim::compare::compare(base, policy, &opts, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    let c = match result {
        Ok(c) => c,
        Err(e @ corridor_sim::compare::CompareError::NoCommonYear(..)) => {
            eprintln!(
                "error: cannot compare {} with {}: {e}",
                args.base.display(),
                args.policy.display()
            );
            return BAD_INPUT;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    let dest = args.flags.out.join(output::safe_dir_name(&format!(
        "compare-{}-vs-{}",
        base.name, policy.name
    )));
    let files = match output::render_comparison(base, policy, &c, seed) {
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
    if let Err(e) = output::write_runs_index(&args.flags.out) {
        eprintln!(
            "error: cannot write {}: {e}",
            args.flags.out.join("index.html").display()
        );
        return FAILURE;
    }
    if !args.flags.quiet {
        eprintln!(
            "{} vs {}: {} paired replication{} written to {}",
            base.name,
            policy.name,
            c.base.replications,
            if c.base.replications == 1 { "" } else { "s" },
            dest.display()
        );
    }
    0
}
