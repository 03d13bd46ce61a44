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
corridor run scenarios/ --out results/\n  corridor run scenarios/tripp-opens.toml --replications 1000 --seed 7\n  \
corridor run scenarios/tripp-opens.toml --replications 10000 --no-charts\n\n\
Writes DIR/<scenario name>/ with corridors.csv, routes.csv, links.csv, od.csv, \
convergence.csv, summary.json, network.geojson, charts/ (SVG and PNG) and index.html, \
and refreshes DIR/index.html, which lists every run in DIR. A folder argument runs \
every *.toml file in it. With --no-charts, charts/ is not written and index.html says \
that charts were not drawn."
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
    #[command(after_help = "Example:\n  corridor validate scenarios/*.toml\n\n\
Prints each problem with its file, line, column and key; exits 2 if any file has errors.")]
    Validate(ValidateArgs),
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
    /// Skip the charts: write the tables, summary.json, network.geojson and an
    /// index.html that says no charts were drawn (faster for large studies)
    #[arg(long)]
    pub no_charts: bool,
    #[command(flatten)]
    pub flags: RunFlags,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files, or folders of them
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
}
