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
every *.toml file in it."
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
    /// Solve a TNTP network (user equilibrium) and compare with its best-known flows
    #[command(
        after_help = "Example:\n  corridor tntp ../shared/tntp/Chicago-Sketch --gap 1e-8 --flows chicago-flows.csv\n\n\
Reads DIR/*_net.tntp, DIR/*_trips.tntp and, where present, DIR/*_flow.tntp (best-known flows) and \
DIR/README.md (toll and distance weights of the generalized cost). Solves the user equilibrium by \
path-based gradient projection with column generation and prints, per iteration, the time, the \
relative gap (total cost - shortest-path cost) / total cost and the Beckmann objective; then the \
difference to the best-known flows. Nodes below the network's first through node carry no \
through traffic. Units are the network's own (TNTP: minutes, vehicles per hour). Exits 1 when the gap \
is not reached within --max-iter."
    )]
    Tntp(TntpArgs),
    /// Write a scenario file from another tool's network (TNTP or GMNS)
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A TNTP folder (net, trips, node coordinates) as a scenario
    #[command(
        after_help = "Example:\n  corridor import tntp ../shared/tntp/SiouxFalls --out sioux-falls.toml\n  \
corridor run sioux-falls.toml\n\n\
One node per TNTP node, one one-way road link per TNTP link, one flow per origin-destination \
pair with value of time 1, so that costs are the network's own generalized costs (units kept: \
see docs/FORMAT.md, \"Imported networks\"). Zones below the first through node get \
`through_traffic = false`."
    )]
    Tntp(ImportTntpArgs),
    /// A GMNS folder (node.csv, link.csv, demand.csv, config.csv) as a scenario
    #[command(
        after_help = "Example:\n  corridor import gmns osm-net/ --out region.toml --tonnes-per-vehicle 12\n  \
corridor run region.toml\n\n\
GMNS capacity is per hour and lane: capacity_tpy = capacity x lanes x --hours-per-year x \
--tonnes-per-vehicle (an assumption: the whole capacity counted as trucks; see docs/FORMAT.md, \
\"Imported networks\"). Lengths and speeds follow config.csv units (default metres and km/h, \
as osm2gmns writes). demand.csv (o_zone_id, d_zone_id, volume) gives tonnes per year; zones \
map to the node with that zone_id, else that node_id."
    )]
    Gmns(ImportGmnsArgs),
}

#[derive(Debug, Args)]
pub struct ImportGmnsArgs {
    /// Folder with node.csv, link.csv and optionally demand.csv and config.csv
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Scenario file to write (default: <name>.toml in the current folder)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Scenario name (default: the folder's name)
    #[arg(long)]
    pub name: Option<String>,
    /// The one year simulated
    #[arg(long, default_value_t = 2025)]
    pub year: i32,
    /// Candidate routes per flow
    #[arg(long, default_value_t = 8, value_name = "K")]
    pub k_routes: usize,
    /// Hours per year the hourly capacity is available
    #[arg(long, default_value_t = 8760.0, value_name = "H")]
    pub hours_per_year: f64,
    /// Tonnes per vehicle of capacity
    #[arg(long, default_value_t = 10.0, value_name = "T")]
    pub tonnes_per_vehicle: f64,
    /// Value of time of every flow, USD per tonne-hour
    #[arg(long, default_value_t = 1.0, value_name = "USD")]
    pub value_of_time: f64,
}

#[derive(Debug, Args)]
pub struct ImportTntpArgs {
    /// Folder with the TNTP files of one network
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Scenario file to write (default: <network name>.toml in the current folder)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Scenario name (default: the network's, in lower case)
    #[arg(long)]
    pub name: Option<String>,
    /// The one year simulated
    #[arg(long, default_value_t = 2025)]
    pub year: i32,
    /// Candidate routes per flow
    #[arg(long, default_value_t = 8, value_name = "K")]
    pub k_routes: usize,
}

#[derive(Debug, Args)]
pub struct TntpArgs {
    /// Folder with the TNTP files of one network
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Stop at this relative gap
    #[arg(long, default_value_t = 1e-8, value_name = "GAP")]
    pub gap: f64,
    /// Most outer iterations
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_iter: usize,
    /// Worker threads for the shortest paths (default: all cores)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Write the link flows to this CSV file (from,to,flow,cost; TNTP node numbers)
    #[arg(long, value_name = "OUT.csv")]
    pub flows: Option<PathBuf>,
    /// Weight of the toll in the generalized cost (default: the README's, else 0)
    #[arg(long, value_name = "W")]
    pub toll_factor: Option<f64>,
    /// Weight of the length in the generalized cost (default: the README's, else 0)
    #[arg(long, value_name = "W")]
    pub distance_factor: Option<f64>,
    /// Print only the summary, not every iteration
    #[arg(long, short)]
    pub quiet: bool,
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
    #[command(flatten)]
    pub flags: RunFlags,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files, or folders of them
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
}
