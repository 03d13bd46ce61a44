//! Size limits: what keeps an absurd scenario (ten million links, a trillion
//! replications) to a clear error instead of an out-of-memory crash or a run that never
//! ends. Each limit is far above any real corridor study; the messages say which limit
//! was hit and what to change.

use crate::figures::{
    CONVERGENCE_METRICS, CORRIDOR_METRICS, DEMAND_METRICS, DISRUPTION_METRICS, LINK_METRICS,
};
use crate::model::Scenario;

use super::raw::RawFile;

/// Items of each list section, over the whole `base` chain.
pub const MAX_CORRIDORS: usize = 10_000;
pub const MAX_NODES: usize = 100_000;
pub const MAX_LINKS: usize = 250_000;
pub const MAX_DEMAND: usize = 100_000;
pub const MAX_ROUTES: usize = 100_000;
pub const MAX_EVENTS: usize = 100_000;
pub const MAX_DISRUPTIONS: usize = 100_000;

/// Tables (`[[x]]` headers and `{ ... }` inline tables) in one file, counted before
/// parsing so that a 16 MiB file of `{}` is refused before it is turned into millions of
/// items.
pub const MAX_TABLES_PER_FILE: usize = 1_000_000;

/// What one run may hold in memory for its results: every figure of a replication
/// (links, corridors, demand rows and candidate routes, each year) is held for a chunk of
/// replications and then kept as an exact list or a bounded sketch (see `stats`). A
/// scenario whose figures alone would need more than this is refused before it starts.
pub const MAX_RESULT_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// Bytes per figure: up to 256 replications in flight at 8 bytes, plus a typical sketch.
const BYTES_PER_FIGURE: u64 = 256 * 8 + 512;

/// The list sections with their limits, in file order.
pub fn section_limits() -> [(&'static str, usize); 7] {
    [
        ("corridors", MAX_CORRIDORS),
        ("nodes", MAX_NODES),
        ("links", MAX_LINKS),
        ("demand", MAX_DEMAND),
        ("routes", MAX_ROUTES),
        ("events", MAX_EVENTS),
        ("disruptions", MAX_DISRUPTIONS),
    ]
}

/// The item counts of one parsed file, in the order of `section_limits`.
pub fn section_counts(raw: &RawFile) -> [usize; 7] {
    [
        raw.corridors.len(),
        raw.nodes.len(),
        raw.links.len(),
        raw.demand.len(),
        raw.routes.len(),
        raw.events.len(),
        raw.disruptions.len(),
    ]
}

/// Adds one file's counts to the chain's totals; says which section is over its limit.
pub fn add_counts(totals: &mut [usize; 7], raw: &RawFile) -> Result<(), String> {
    let counts = section_counts(raw);
    for (i, ((name, max), n)) in section_limits().into_iter().zip(counts).enumerate() {
        totals[i] = totals[i].saturating_add(n);
        if totals[i] > max {
            return Err(format!(
                "too many [[{name}]]: {} in this file and its bases, the limit is {max}; \
                 split the study into smaller scenarios",
                totals[i]
            ));
        }
    }
    Ok(())
}

/// Counts the tables of a TOML text without parsing it: `[[...]]` headers at the start
/// of a line and `{` outside strings and comments. Stops counting past `limit`.
pub fn count_tables(text: &str, limit: usize) -> usize {
    #[derive(PartialEq)]
    enum St {
        Normal,
        Comment,
        Basic,
        Literal,
        MultiBasic,
        MultiLiteral,
    }
    let b = text.as_bytes();
    let mut st = St::Normal;
    let mut count = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while i < b.len() && count <= limit {
        let c = b[i];
        match st {
            St::Normal => match c {
                b'#' => st = St::Comment,
                b'"' if b[i..].starts_with(b"\"\"\"") => {
                    st = St::MultiBasic;
                    i += 2;
                }
                b'"' => st = St::Basic,
                b'\'' if b[i..].starts_with(b"'''") => {
                    st = St::MultiLiteral;
                    i += 2;
                }
                b'\'' => st = St::Literal,
                b'{' => count += 1,
                b'[' if line_start && b[i..].starts_with(b"[[") => {
                    count += 1;
                    i += 1;
                }
                _ => {}
            },
            St::Comment => {
                if c == b'\n' {
                    st = St::Normal;
                }
            }
            St::Basic => match c {
                b'\\' => i += 1,
                b'"' | b'\n' => st = St::Normal,
                _ => {}
            },
            St::Literal => {
                if c == b'\'' || c == b'\n' {
                    st = St::Normal;
                }
            }
            St::MultiBasic => {
                if c == b'\\' {
                    i += 1;
                } else if b[i..].starts_with(b"\"\"\"") {
                    st = St::Normal;
                    i += 2;
                }
            }
            St::MultiLiteral => {
                if b[i..].starts_with(b"'''") {
                    st = St::Normal;
                    i += 2;
                }
            }
        }
        if c == b'\n' {
            line_start = true;
        } else if !(c == b' ' || c == b'\t') {
            line_start = false;
        }
        i += 1;
    }
    count
}

/// About how many numbers one replication records: per year, every link, corridor
/// (and the unserved row), demand row and candidate route, and the convergence figures.
pub fn figures_per_replication(s: &Scenario) -> u64 {
    let years = s.n_years() as u64;
    // At most k candidates, and never more than there are links to vary them.
    let routes_per_demand = s.route_choice.k_routes.min(s.links.len()).max(1) as u64;
    let per_year = s.links.len() as u64 * LINK_METRICS.len() as u64
        + (s.corridors.len() as u64 + 1) * CORRIDOR_METRICS.len() as u64
        + s.demand.len() as u64 * DEMAND_METRICS.len() as u64
        + s.demand.len() as u64 * routes_per_demand * 4
        + CONVERGENCE_METRICS.len() as u64
        + DISRUPTION_METRICS.len() as u64
        + s.measures.len() as u64 * crate::figures::MEASURE_METRICS.len() as u64;
    years.saturating_mul(per_year)
}

/// Why a run is too big to hold in memory, if it is. Replications do not change the
/// answer much (figures past a budget are sketched in bounded memory, see `stats`):
/// the size of the network and the length of the horizon do.
pub fn run_size_error(s: &Scenario, requested: u64) -> Option<String> {
    let reps = if s.is_stochastic() { requested } else { 1 };
    let figures = figures_per_replication(s);
    let per_figure = (8 * reps.min(256) + 512).min(BYTES_PER_FIGURE);
    let bytes = figures.saturating_mul(per_figure);
    if bytes <= MAX_RESULT_BYTES {
        return None;
    }
    let gib = |b: u64| b as f64 / (1024.0 * 1024.0 * 1024.0);
    let years = s.n_years().max(1) as u64;
    Some(format!(
        "the results would need about {:.1} GiB of memory: {} years x about {} figures a year \
         (4 per link, 5 per corridor and per demand row, 4 per candidate route); the limit \
         is {:.0} GiB: shorten the horizon, lower `k_routes` or split the network into \
         smaller studies",
        gib(bytes),
        years,
        figures / years,
        gib(MAX_RESULT_BYTES),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_tables_outside_strings_and_comments() {
        let text = "[[links]]\nid = \"{x}\" # {\n  [[nodes]]\na = { b = 1 }\ns = '''\n[[no]]\n{'''\nc = [ [1], [2] ]\n";
        assert_eq!(count_tables(text, 100), 3);
        assert_eq!(count_tables("x = [{},{},{}]", 100), 3);
        assert_eq!(count_tables("x = [{},{},{}]", 1), 2);
    }
}
