//! Command-line definitions (clap), nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use corridor_sim::shard::Shard;

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
convergence.csv, measures.csv (when the scenario has [[measures]]), summary.json, network.geojson, charts/ (SVG and PNG) and index.html, \
and refreshes DIR/index.html, which lists every run in DIR. A folder argument runs \
every *.toml file in it. With --keep-replications, also replications/corridors.parquet \
and replications/od.parquet (or .csv with --replications-format csv); in pandas: \
pd.read_parquet(\"output/tripp-opens/replications/corridors.parquet\"). With --no-charts, \
charts/ is not written and index.html says that charts were not drawn.\n\n\
With --shard K/N it runs only shard K of N (a contiguous share of the replications, for \
one task of a cluster array job) and writes DIR/<scenario name>-K-of-N.shard; \
`corridor merge` turns the N shard files into the folder above."
    )]
    Run(RunArgs),
    /// Compare a policy scenario with a base: changes by corridor and by flow, with bands
    #[command(
        after_help = "Example:\n  corridor compare scenarios/baseline.toml scenarios/tripp-opens.toml\n\n\
Runs both scenarios replication by replication with the same seed (inputs they share take the \
same draws), and writes DIR/compare-<base>-vs-<policy>/ with corridor_change.csv (each \
corridor's tonnes in both and the change: where the new corridor's freight comes from), \
od_change.csv (the change in cost and transit time of each flow) and summary.json.\n\n\
With --shard K/N it runs only shard K of N and writes \
DIR/compare-<base>-vs-<policy>-K-of-N.shard for `corridor merge`."
    )]
    Compare(CompareArgs),
    /// Appraise a policy against a base: NPV, IRR, risk, CO2, who gains, trade through whom
    #[command(
        after_help = "Example:\n  corridor appraise scenarios/baseline.toml scenarios/tripp-appraisal.toml\n\n\
Runs both scenarios replication by replication with the same seed (as `compare`), values each \
pair with the [appraisal] section of POLICY (or of the first file of its `base` chain that has \
one: discount rate, period, capital and O&M costs, carbon price, emission intensities), and \
writes DIR/appraise-<base>-vs-<policy>/ with appraisal.csv (costs and benefits by year, net and \
discounted), stakeholders.csv (NPV by stakeholder and country), interdependence.csv (each \
country's trade through other countries and chokepoints), corridor_change.csv, od_change.csv, \
summary.json (ENPV, EIRR, BCR, FNPV, FIRR, payback year with 5-95% bands, P(ENPV < 0), \
switching values), charts/ and index.html."
    )]
    Appraise(CompareArgs),
    /// Merge the shard files of a study into the results one run would have written
    #[command(
        after_help = "Examples:\n  corridor run scenarios/tripp-opens.toml --shard 0/2 --out shards\n  \
corridor run scenarios/tripp-opens.toml --shard 1/2 --out shards\n  \
corridor merge shards/ --out output\n\n\
Takes the N shard files of one study (files, or folders of .shard files; any order), \
written by `run --shard K/N` or `compare --shard K/N`, and writes the same folder as one \
`run` (DIR/<scenario name>/) or `compare` (DIR/compare-<base>-vs-<policy>/) of the whole \
study with the same seed, byte for byte, and refreshes DIR/index.html. The scenario files \
must still be where the shards were run from, unchanged. A missing, repeated or foreign \
shard (another scenario, seed, replication count, number of shards or version) is an \
error naming the file. See docs/CLUSTER.md for Slurm and Kubernetes."
    )]
    Merge(MergeArgs),
    /// Check scenario files and report every problem, without simulating
    #[command(after_help = "Examples:\n  corridor validate scenarios/*.toml\n  \
corridor validate scenarios/ --format json\n\n\
Prints each problem with its file, line, column and key; exits 2 if any file has errors. \
With --format json, prints one JSON document on stdout: {\"files\": [...], \"problems\": \
[{\"file\", \"line\", \"column\", \"key\", \"message\", \"suggestion\", \"severity\"}], \
\"errors\", \"warnings\"} (fields described in docs/FORMAT.md).")]
    Validate(ValidateArgs),
    /// Fit the scenario's calibration constants to its observed measures
    #[command(
        after_help = "Example:\n  corridor calibrate seeds/south-caucasus.toml --year 2024\n\nFits the constants listed under [calibration] parameters (corridor constants, border dwells, link tariffs and times, demand sizes, each within its bounds) so that the [[measures]] match their observations of the year, by weighted least squares on the relative differences (deterministic nominal run; bounded Levenberg-Marquardt). Prints the constants before and after, each measure before, after and observed, and the fit's diagnostics, and writes FILE (default: <scenario>-calibrated.toml beside the scenario): a scenario that extends the input (base = ...) with the fitted values, to review and run."
    )]
    Calibrate(CalibrateArgs),
    /// Vary one or two inputs over values: outputs with bands, and switching values
    #[command(
        after_help = "Examples:\n  corridor sweep scenarios/tripp-fee-sweep.toml\n  \
corridor sweep scenarios/tripp-opens.toml --input nodes.meghri.border_fee_usd_per_t \
--from 0 --to 60 --step 5 --output corridors.tripp.tonnes.2035 --below corridors.btk.tonnes.2035\n\n\
Runs each [[sweep]] of the scenario (or the one named by --id, or the one given by --input ...): \
every point with the scenario's replications and seed (the same draws of every other input at \
every point), and writes DIR/sweep-<scenario>-<id>/ with sweep.csv, switching.csv (when a \
threshold is given), charts/ and index.html. Inputs are named like the draws: \
links.<id>.<key>, nodes.<id>.<key>, demand.<id>.<key>, events.<id>.<key>, \
disruptions.<id>.<key>, share.<name>."
    )]
    Sweep(SweepArgs),
    /// Variance-based (Sobol') sensitivity indices of the scenario's outputs
    #[command(
        after_help = "Example:\n  corridor sensitivity scenarios/tripp-opens.toml --samples 256\n\n\
Runs the Saltelli design, N x (k + 2) replications for k uncertain inputs (a `share` group \
and a disruption count as one), and writes DIR/sensitivity-<scenario>/ with sobol.csv \
(first- and total-order indices with 95% bootstrap intervals per output and input) and \
index.html. Outputs: the scenario's [sensitivity] outputs, or --output."
    )]
    Sensitivity(SensitivityArgs),
    /// Which flows use a link, node or corridor, with tonnes and bands by year
    #[command(
        after_help = "Example:\n  corridor select-link scenarios/tripp-opens.toml --link meghri-ordubad-rail\n\n\
Runs the scenario's replications and writes DIR/select-link-<scenario>-<id>/ with \
select_link.csv (tonnes of every flow on the selection by year: mean, sd, percentiles) and \
index.html. On a link the flows' tonnes add up to the link's tonnes."
    )]
    SelectLink(SelectLinkArgs),
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

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The scenario whose constants are fitted
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The year whose observations are fitted (default: [calibration] year, else the first year)
    #[arg(long, value_name = "Y")]
    pub year: Option<i32>,
    /// Where the calibrated scenario is written
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Run only the [[sweep]] with this id
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Sweep this input instead of the scenario's [[sweep]] tables
    #[arg(long, value_name = "KEY")]
    pub input: Option<String>,
    /// Values of --input, comma separated
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub values: Option<Vec<f64>>,
    /// Range of --input: first value
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub from: Option<f64>,
    /// Range of --input: last value
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub to: Option<f64>,
    /// Range of --input: step
    #[arg(long, value_name = "X")]
    pub step: Option<f64>,
    /// Outputs to report (repeatable), e.g. corridors.tripp.tonnes.2035
    #[arg(long = "output", value_name = "NAME")]
    pub outputs: Vec<String>,
    /// Switching value: where the first --output falls below this number or output
    #[arg(long, value_name = "X|NAME", allow_hyphen_values = true)]
    pub below: Option<String>,
    #[command(flatten)]
    pub flags: RunFlags,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// The scenario file
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Base sample size N (a power of two reads best); runs N x (k + 2) replications
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub samples: usize,
    /// Bootstrap resamples for the confidence intervals
    #[arg(long, value_name = "R", default_value_t = 200)]
    pub resamples: usize,
    /// Outputs (repeatable); default: the scenario's [sensitivity] outputs
    #[arg(long = "output", value_name = "NAME")]
    pub outputs: Vec<String>,
    #[command(flatten)]
    pub flags: RunFlags,
}

#[derive(Debug, Args)]
pub struct SelectLinkArgs {
    /// The scenario file
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// A link id
    #[arg(long, value_name = "ID", group = "selection")]
    pub link: Option<String>,
    /// A node id
    #[arg(long, value_name = "ID", group = "selection")]
    pub node: Option<String>,
    /// A corridor id
    #[arg(long, value_name = "ID", group = "selection")]
    pub corridor: Option<String>,
    /// A base scenario: where the selection's freight came from (paired replications)
    #[arg(long, value_name = "BASE")]
    pub base: Option<PathBuf>,
    #[command(flatten)]
    pub flags: RunFlags,
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
    /// Run only shard K (from 0) of N: a contiguous share of the replications, written
    /// as DIR/<name>-K-of-N.shard for `corridor merge`
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Values held exactly before percentiles switch to sketches (for tests)
    #[arg(long, value_name = "N", hide = true)]
    pub exact_values: Option<usize>,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    text.parse()
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard files, or folders of them (every *.shard file inside)
    #[arg(required = true, value_name = "SHARD")]
    pub shards: Vec<PathBuf>,
    /// Folder that receives the study's folder
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
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
