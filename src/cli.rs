//! Command-line definitions (clap), nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "corridor",
    version,
    about = "Simulate freight flows over a new transit corridor against the routes it competes with",
    long_about = "Reads scenario files (TOML: network, demand, costs, events over the years, \
uncertainty), solves a capacity-constrained route-choice equilibrium for every year, and \
writes tables, a summary, charts, a GeoJSON network and an HTML report under \
output/<scenario>/.\n\nExit codes: 0 success, 2 bad input \
or usage, 1 any other failure."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenarios and write their results
    #[command(
        after_help = "Examples:\n  corridor run scenarios/tripp-opens.toml\n  \
corridor run scenarios/ --out results/\n  corridor run scenarios/tripp-opens.toml --replications 1000 --seed 7\n\n\
Writes DIR/<scenario name>/ with corridors.csv, routes.csv, links.csv, od.csv, \
convergence.csv, summary.json, network.geojson, charts/ (SVG and PNG) and index.html, \
and refreshes DIR/index.html, which lists every run in DIR. A folder argument runs \
every *.toml file in it. With --keep-replications, also replications/corridors.parquet \
and replications/od.parquet (or .csv with --replications-format csv); in pandas: \
pd.read_parquet(\"output/tripp-opens/replications/corridors.parquet\")."
    )]
    Run(RunArgs),
    /// Compare a policy scenario with a base: changes by corridor and by flow, with bands
    #[command(
        after_help = "Example:\n  corridor compare scenarios/baseline.toml scenarios/tripp-opens.toml\n\n\
Runs both scenarios replication by replication with the same seed (inputs they share take the \
same draws), and writes DIR/compare-<base>-vs-<policy>/ with corridor_change.csv (each \
corridor's tonnes in both and the change: where the new corridor's freight comes from), \
od_change.csv (the change in cost and transit time of each flow) and summary.json."
    )]
    Compare(CompareArgs),
    /// Check scenario files and report every problem, without simulating
    #[command(after_help = "Examples:\n  corridor validate scenarios/*.toml\n  \
corridor validate scenarios/ --format json\n\n\
Prints each problem with its file, line, column and key; exits 2 if any file has errors. \
With --format json, prints one JSON document on stdout: {\"files\": [...], \"problems\": \
[{\"file\", \"line\", \"column\", \"key\", \"message\", \"suggestion\", \"severity\"}], \
\"errors\", \"warnings\"} (fields described in docs/FORMAT.md).")]
    Validate(ValidateArgs),
    /// Print the JSON Schema of the scenario format (for editors and CI)
    #[command(
        after_help = "Example:\n  corridor schema > schema/scenario.schema.json\n\n\
Prints a JSON Schema (draft-07) derived from the structures that parse scenario files, with \
each key's meaning, unit and default. The repository ships it as \
schema/scenario.schema.json; a scenario naming it on its first line \
(#:schema ../schema/scenario.schema.json) gets completion, key docs and unknown-key \
warnings in editors with TOML schema support (taplo, Even Better TOML)."
    )]
    Schema,
}

/// How replications are run: shared by `run` and `compare`.
#[derive(Debug, Args)]
pub struct RunFlags {
    /// Folder that receives one sub-folder per scenario or comparison
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// Replications (overrides the scenario's `replications`)
    #[arg(long, value_name = "N")]
    pub replications: Option<u64>,
    /// Random seed (overrides the scenario's `seed`)
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The reference scenario (for example without the new corridor)
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// The scenario to compare with it
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    #[command(flatten)]
    pub flags: RunFlags,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files, or folders of them
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Also write every replication's corridor and flow figures under replications/
    #[arg(long)]
    pub keep_replications: bool,
    /// File format of --keep-replications: parquet (typed, compressed; the default when
    /// built with the `parquet` feature) or csv
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = KeptFormat::DEFAULT)]
    pub replications_format: KeptFormat,
    #[command(flatten)]
    pub flags: RunFlags,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files, or folders of them
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// How problems are printed: `text` for people, `json` for editors and CI
    #[arg(long, value_enum, default_value_t = ProblemFormat::Text)]
    pub format: ProblemFormat,
}

/// The file format of `--keep-replications`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeptFormat {
    Parquet,
    Csv,
}

impl KeptFormat {
    pub const DEFAULT: KeptFormat = if cfg!(feature = "parquet") {
        KeptFormat::Parquet
    } else {
        KeptFormat::Csv
    };
}

/// The output format of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProblemFormat {
    Text,
    Json,
}
