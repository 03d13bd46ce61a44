//! Reader for the TNTP files of the TransportationNetworks collection (Stabler,
//! Bar-Gera et al., github.com/bstabler/TransportationNetworks): `*_net.tntp` (links),
//! `*_trips.tntp` (origin-destination demand), `*_flow.tntp` (best-known equilibrium
//! link flows) and the generalized-cost weights of a network's README.
//!
//! Formats (research sheet anchors.md, "TNTP benchmark networks"): metadata lines
//! `<KEY> value`, comment lines starting with `~`, then tab-separated rows
//! `init_node term_node capacity length free_flow_time b power speed toll link_type ;`.
//! Link time = fft (1 + b (v/c)^power). Trips come as `Origin n` blocks of
//! `dest : flow;`. Flows as `From To Volume Cost`. Node numbers are 1-based.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::equilibrium::{Demand, Link, Network, NetworkError};

/// A problem reading a TNTP file, located by file and line.
#[derive(Debug, Error)]
pub enum TntpError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{dir}: no file ending in {suffix} (a TNTP folder holds *_net.tntp and *_trips.tntp)")]
    Missing { dir: PathBuf, suffix: String },
}

/// One link of a TNTP network, as in the file (nodes 1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct TntpLink {
    pub from: usize,
    pub to: usize,
    pub capacity: f64,
    pub length: f64,
    pub free_flow_time: f64,
    pub b: f64,
    pub power: f64,
    pub speed: f64,
    pub toll: f64,
    pub link_type: i64,
}

/// A TNTP network: links and the metadata that matters for equilibrium.
#[derive(Debug, Clone, PartialEq)]
pub struct TntpNet {
    pub n_zones: usize,
    pub n_nodes: usize,
    /// Nodes below this number are zones that carry no through traffic.
    pub first_thru_node: usize,
    pub links: Vec<TntpLink>,
}

/// One best-known flow row.
#[derive(Debug, Clone, PartialEq)]
pub struct TntpFlow {
    pub from: usize,
    pub to: usize,
    pub volume: f64,
    pub cost: f64,
}

/// A TNTP folder: network, demand (origin, destination, flow; positive flows between
/// distinct zones only), best-known flows when present, and cost weights.
#[derive(Debug, Clone, PartialEq)]
pub struct TntpData {
    pub name: String,
    pub net: TntpNet,
    pub trips: Vec<(usize, usize, f64)>,
    pub best_known: Option<Vec<TntpFlow>>,
    /// Generalized cost = time + toll_factor * toll + distance_factor * length (README
    /// "Generalized Cost Weights"; 0 when absent).
    pub toll_factor: f64,
    pub distance_factor: f64,
}

fn read(path: &Path) -> Result<String, TntpError> {
    std::fs::read_to_string(path).map_err(|source| TntpError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn parse_err(path: &Path, line: usize, message: String) -> TntpError {
    TntpError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    }
}

fn num<T: std::str::FromStr>(
    path: &Path,
    line: usize,
    tok: &str,
    what: &str,
) -> Result<T, TntpError> {
    tok.trim()
        .parse::<T>()
        .map_err(|_| parse_err(path, line, format!("{what} `{tok}` is not a number")))
}

/// Data rows (1-based line number, tokens) after the metadata, comments skipped.
fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let t = l.trim();
        if t.is_empty() || t.starts_with(['<', '~']) {
            return None;
        }
        let toks: Vec<&str> = t
            .split(['\t', ' ', ';'])
            .filter(|s| !s.is_empty())
            .collect();
        (!toks.is_empty()).then_some((i + 1, toks))
    })
}

fn metadata(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_string()))
}

/// Parses a `*_net.tntp` file.
pub fn parse_net(path: &Path, text: &str) -> Result<TntpNet, TntpError> {
    let meta = |key: &str| -> Result<usize, TntpError> {
        let v = metadata(text, key)
            .ok_or_else(|| parse_err(path, 1, format!("metadata {key} missing")))?;
        num(path, 1, &v, key)
    };
    let n_zones = meta("<NUMBER OF ZONES>")?;
    let n_nodes = meta("<NUMBER OF NODES>")?;
    let first_thru_node = meta("<FIRST THRU NODE>")?;
    let n_links = meta("<NUMBER OF LINKS>")?;
    let mut links = Vec::with_capacity(n_links);
    for (line, t) in rows(text) {
        if t.len() < 10 {
            return Err(parse_err(
                path,
                line,
                format!(
                    "expected 10 columns (init_node term_node capacity length free_flow_time b power speed toll link_type), found {}",
                    t.len()
                ),
            ));
        }
        let l = TntpLink {
            from: num(path, line, t[0], "init_node")?,
            to: num(path, line, t[1], "term_node")?,
            capacity: num(path, line, t[2], "capacity")?,
            length: num(path, line, t[3], "length")?,
            free_flow_time: num(path, line, t[4], "free_flow_time")?,
            b: num(path, line, t[5], "b")?,
            power: num(path, line, t[6], "power")?,
            speed: num(path, line, t[7], "speed")?,
            toll: num(path, line, t[8], "toll")?,
            link_type: num::<f64>(path, line, t[9], "link_type")? as i64,
        };
        if l.from == 0 || l.to == 0 || l.from > n_nodes || l.to > n_nodes {
            return Err(parse_err(
                path,
                line,
                format!("node {} or {} outside 1..={n_nodes}", l.from, l.to),
            ));
        }
        let finite = [l.capacity, l.length, l.free_flow_time, l.b, l.power, l.toll];
        if finite.iter().any(|v| !v.is_finite() || *v < 0.0) {
            return Err(parse_err(path, line, "negative or non-finite value".into()));
        }
        if l.b > 0.0 && l.capacity <= 0.0 {
            return Err(parse_err(
                path,
                line,
                "capacity must be > 0 where b > 0".into(),
            ));
        }
        links.push(l);
    }
    if links.len() != n_links {
        return Err(parse_err(
            path,
            1,
            format!("<NUMBER OF LINKS> says {n_links}, file has {}", links.len()),
        ));
    }
    Ok(TntpNet {
        n_zones,
        n_nodes,
        first_thru_node,
        links,
    })
}

/// Parses a `*_trips.tntp` file into (origin, destination, flow) with flow > 0 and
/// origin != destination, in file order.
pub fn parse_trips(
    path: &Path,
    text: &str,
    n_zones: usize,
) -> Result<Vec<(usize, usize, f64)>, TntpError> {
    let mut out = Vec::new();
    let mut origin: Option<usize> = None;
    for (i, l) in text.lines().enumerate() {
        let line = i + 1;
        let t = l.trim();
        if t.is_empty() || t.starts_with(['<', '~']) {
            continue;
        }
        if let Some(o) = t.strip_prefix("Origin") {
            let o: usize = num(path, line, o, "origin")?;
            if o == 0 || o > n_zones {
                return Err(parse_err(
                    path,
                    line,
                    format!("origin {o} outside 1..={n_zones}"),
                ));
            }
            origin = Some(o);
            continue;
        }
        let o = origin
            .ok_or_else(|| parse_err(path, line, "demand before any `Origin` line".into()))?;
        for pair in t.split(';') {
            let Some((d, v)) = pair.split_once(':') else {
                continue;
            };
            let d: usize = num(path, line, d, "destination")?;
            let v: f64 = num(path, line, v, "flow")?;
            if d == 0 || d > n_zones {
                return Err(parse_err(
                    path,
                    line,
                    format!("destination {d} outside 1..={n_zones}"),
                ));
            }
            if !v.is_finite() || v < 0.0 {
                return Err(parse_err(path, line, format!("flow {v} must be >= 0")));
            }
            if v > 0.0 && d != o {
                out.push((o, d, v));
            }
        }
    }
    Ok(out)
}

/// Parses a `*_flow.tntp` file (a header line, then `From To Volume Cost`).
pub fn parse_flows(path: &Path, text: &str) -> Result<Vec<TntpFlow>, TntpError> {
    let mut out = Vec::new();
    for (line, t) in rows(text) {
        if t[0].eq_ignore_ascii_case("from") {
            continue;
        }
        if t.len() < 3 {
            return Err(parse_err(
                path,
                line,
                "expected From To Volume [Cost]".into(),
            ));
        }
        out.push(TntpFlow {
            from: num(path, line, t[0], "From")?,
            to: num(path, line, t[1], "To")?,
            volume: num(path, line, t[2], "Volume")?,
            cost: t
                .get(3)
                .map_or(Ok(f64::NAN), |c| num(path, line, c, "Cost"))?,
        });
    }
    Ok(out)
}

/// The toll and distance weights under a README's "Generalized Cost Weights"
/// (`Toll: 0.02 minutes/cent`, `Distance: 0.04 minutes/mile`); 0 when absent.
pub fn parse_cost_weights(readme: &str) -> (f64, f64) {
    let weight = |key: &str| {
        readme
            .lines()
            .filter_map(|l| l.trim().strip_prefix(key))
            .find_map(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (weight("Toll:"), weight("Distance:"))
}

fn find(dir: &Path, suffix: &str) -> Result<Option<PathBuf>, TntpError> {
    let entries = std::fs::read_dir(dir).map_err(|source| TntpError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    found.sort();
    Ok(found.into_iter().next())
}

/// Reads a TNTP folder: `*_net.tntp` and `*_trips.tntp` (required), `*_flow.tntp` and
/// `README.md` (optional).
pub fn read_dir(dir: &Path) -> Result<TntpData, TntpError> {
    let required = |suffix: &str| -> Result<PathBuf, TntpError> {
        find(dir, suffix)?.ok_or_else(|| TntpError::Missing {
            dir: dir.to_path_buf(),
            suffix: suffix.to_string(),
        })
    };
    let net_path = required("_net.tntp")?;
    let trips_path = required("_trips.tntp")?;
    let net = parse_net(&net_path, &read(&net_path)?)?;
    let trips = parse_trips(&trips_path, &read(&trips_path)?, net.n_zones)?;
    let best_known = match find(dir, "_flow.tntp")? {
        Some(p) => Some(parse_flows(&p, &read(&p)?)?),
        None => None,
    };
    let readme = dir.join("README.md");
    let (toll_factor, distance_factor) = if readme.is_file() {
        parse_cost_weights(&read(&readme)?)
    } else {
        (0.0, 0.0)
    };
    let name = net_path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix("_net.tntp"))
        .unwrap_or("tntp")
        .to_string();
    Ok(TntpData {
        name,
        net,
        trips,
        best_known,
        toll_factor,
        distance_factor,
    })
}

impl TntpData {
    /// The network and demand for the equilibrium solver: nodes 0-based, link cost =
    /// free-flow time x BPR + toll_factor x toll + distance_factor x length, nodes below
    /// the first through node closed to through traffic.
    pub fn network(&self) -> Result<(Network, Demand), NetworkError> {
        let links: Vec<Link> = self
            .net
            .links
            .iter()
            .map(|l| Link {
                tail: l.from - 1,
                head: l.to - 1,
                fft: l.free_flow_time,
                capacity: l.capacity,
                b: l.b,
                power: l.power,
                fixed: self.toll_factor * l.toll + self.distance_factor * l.length,
            })
            .collect();
        let net = Network::new(
            self.net.n_nodes,
            self.net.first_thru_node.saturating_sub(1),
            &links,
        )?;
        let rows: Vec<(usize, usize, f64)> = self
            .trips
            .iter()
            .map(|&(o, d, f)| (o - 1, d - 1, f))
            .collect();
        Ok((net, Demand::new(self.net.n_nodes, &rows)?))
    }

    /// The best-known flows in network link order (0 for links the flow file lacks),
    /// or `None` without a flow file. Repeated (from, to) pairs are matched in order.
    pub fn best_known_link_flows(&self) -> Option<Vec<f64>> {
        let known = self.best_known.as_ref()?;
        let mut by_pair: std::collections::BTreeMap<(usize, usize), Vec<f64>> =
            std::collections::BTreeMap::new();
        for f in known.iter().rev() {
            by_pair.entry((f.from, f.to)).or_default().push(f.volume);
        }
        Some(
            self.net
                .links
                .iter()
                .map(|l| {
                    by_pair
                        .get_mut(&(l.from, l.to))
                        .and_then(Vec::pop)
                        .unwrap_or(0.0)
                })
                .collect(),
        )
    }
}

/// How a TNTP network becomes a scenario (`corridor import tntp`).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioOptions {
    pub name: String,
    pub year: i32,
    pub k_routes: usize,
    pub tolerance: f64,
    pub max_iterations: usize,
    /// Node coordinates (x = lon, y = lat) from `*_node.tntp`, when they are degrees.
    pub coordinates: Option<Vec<(f64, f64)>>,
}

/// Reads `*_node.tntp` coordinates if the folder has them and they look like degrees
/// (|x| <= 180, |y| <= 90); `None` otherwise.
pub fn read_coordinates(dir: &Path, n_nodes: usize) -> Result<Option<Vec<(f64, f64)>>, TntpError> {
    let Some(path) = find(dir, "_node.tntp")? else {
        return Ok(None);
    };
    let text = read(&path)?;
    let mut xy = vec![(f64::NAN, f64::NAN); n_nodes];
    for (line, t) in rows(&text) {
        if t.len() < 3 || t[0].eq_ignore_ascii_case("node") {
            continue;
        }
        let n: usize = num(&path, line, t[0], "node")?;
        if (1..=n_nodes).contains(&n) {
            xy[n - 1] = (num(&path, line, t[1], "X")?, num(&path, line, t[2], "Y")?);
        }
    }
    let degrees = xy.iter().all(|(x, y)| x.abs() <= 180.0 && y.abs() <= 90.0);
    Ok(degrees.then_some(xy))
}

/// A scenario file (TOML) for `corridor run`: one node per TNTP node, one one-way
/// road link per TNTP link (time_h = free-flow time, capacity_tpy = capacity,
/// bpr_alpha = b, bpr_beta = power, tariff = toll_factor x toll + distance_factor x
/// length), one flow per origin-destination pair with value of time 1, so that cost
/// is the network's own generalized cost. Numbers keep the network's own units
/// (docs/FORMAT.md, "Imported networks"). Zones below the first through node are
/// flagged `through_traffic = false`.
pub fn to_scenario_toml(data: &TntpData, o: &ScenarioOptions) -> String {
    use std::fmt::Write;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# Imported from the TNTP network {} by `corridor import tntp`.\n\
         # Units are the network's own: time_h holds its free-flow time, capacity_tpy its\n\
         # capacity, length_km its length (docs/FORMAT.md, \"Imported networks\").\n\n\
         [scenario]\nname = \"{}\"\nfirst_year = {}\nlast_year = {}\nbase_year = {}\nreplications = 1\n\n\
         [route_choice]\nmodel = \"deterministic\"\nk_routes = {}\nmax_detour = 3\ndistinct_corridors = false\n\
         tolerance = {:e}\nmax_iterations = {}\n\n[[corridors]]\nid = \"network\"\n",
        data.name, o.name, o.year, o.year, o.year, o.k_routes, o.tolerance, o.max_iterations
    );
    let n = data.net.n_nodes;
    for i in 0..n {
        let (lon, lat) = match &o.coordinates {
            Some(xy) if xy[i].0.is_finite() && xy[i].1.is_finite() => xy[i],
            // No usable coordinates: nodes on a grid of 0.01 degree.
            _ => {
                let side = (n as f64).sqrt().ceil() as usize;
                ((i % side) as f64 * 0.01, (i / side) as f64 * 0.01)
            }
        };
        let _ = writeln!(t, "[[nodes]]\nid = \"{}\"\nlon = {lon}\nlat = {lat}", i + 1);
        if i + 1 < data.net.first_thru_node {
            let _ = writeln!(t, "through_traffic = false");
        }
    }
    for (i, l) in data.net.links.iter().enumerate() {
        let tariff = data.toll_factor * l.toll + data.distance_factor * l.length;
        let _ = writeln!(
            t,
            "[[links]]\nid = \"{}-{}{}\"\nfrom = \"{}\"\nto = \"{}\"\nmode = \"road\"\nlength_km = {}\n\
             time_h = {}\ncapacity_tpy = {}\nbpr_alpha = {}\nbpr_beta = {}\ntariff_usd_per_t = {tariff}\n\
             corridor = \"network\"\ntwo_way = false",
            l.from,
            l.to,
            // Parallel links get a suffix to keep ids unique.
            if data.net.links[..i]
                .iter()
                .any(|m| m.from == l.from && m.to == l.to)
            {
                format!("-{i}")
            } else {
                String::new()
            },
            l.from,
            l.to,
            if l.length > 0.0 { l.length } else { 1e-6 },
            l.free_flow_time,
            if l.capacity > 0.0 { l.capacity } else { 1e-6 },
            l.b,
            l.power
        );
    }
    for &(from, to, flow) in &data.trips {
        let _ = writeln!(
            t,
            "[[demand]]\nid = \"{from}-{to}\"\norigin = \"{from}\"\ndestination = \"{to}\"\n\
             tonnes_per_year = {flow}\nvalue_of_time_usd_per_t_h = 1"
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET: &str = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 3\n\
<NUMBER OF LINKS> 2\n<END OF METADATA>\n\n~ init term cap len fft b p s t ty ;\n\
\t1\t3\t100\t2.5\t1\t0.15\t4\t0\t3\t1\t;\n\t3\t2\t100\t1\t2\t0\t0\t0\t0\t1\t;\n";

    #[test]
    fn reads_links_trips_and_weights() {
        let p = Path::new("x_net.tntp");
        let n = parse_net(p, NET).unwrap();
        assert_eq!((n.n_zones, n.n_nodes, n.first_thru_node), (2, 3, 3));
        assert_eq!(n.links.len(), 2);
        assert_eq!((n.links[0].from, n.links[0].to), (1, 3));
        assert_eq!(n.links[0].length, 2.5);
        assert_eq!(n.links[0].toll, 3.0);
        assert_eq!(n.links[1].power, 0.0);
        let trips = "<NUMBER OF ZONES> 2\n\nOrigin  1\n    1 :    5.0;     2 :  7.5;\n\nOrigin 2\n 1 : 0; 2 : 3;\n";
        let t = parse_trips(Path::new("x_trips.tntp"), trips, 2).unwrap();
        assert_eq!(t, vec![(1, 2, 7.5)]);
        let (toll, dist) = parse_cost_weights(
            "## Generalized Cost Weights\nToll: 0.02 minutes/cent\nDistance: 0.04 minutes/mile\n",
        );
        assert_eq!((toll, dist), (0.02, 0.04));
        assert_eq!(parse_cost_weights("Toll: 0  \nFIXME\n"), (0.0, 0.0));
    }

    #[test]
    fn bad_rows_are_located() {
        let bad = NET.replace("\t3\t2\t100", "\t3\t9\t100");
        let e = parse_net(Path::new("x_net.tntp"), &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("x_net.tntp:9") && e.contains("outside"), "{e}");
        let e = parse_trips(Path::new("t"), "Origin 1\n 2 : x;\n", 2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("t:2") && e.contains("not a number"), "{e}");
    }
}
