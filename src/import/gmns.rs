//! Reader for GMNS networks (General Modeling Network Specification v0.96, Zephyr
//! Foundation; research sheet scale-out.md, "GMNS"), as written by osm2gmns: `node.csv`
//! (`node_id`, `x_coord`, `y_coord`, optional `zone_id`), `link.csv` (`link_id`,
//! `from_node_id`, `to_node_id`, optional `directed`, `length`, `free_speed`,
//! `capacity`, `lanes`, `toll`, `vdf_alpha`, `vdf_beta`), optional `config.csv`
//! (`long_length`, `speed` units) and a demand table `demand.csv` (`o_zone_id`,
//! `d_zone_id`, `volume`, the path4gmns convention).
//!
//! GMNS capacity is per hour and lane (passenger car equivalents); a scenario wants
//! tonnes per year per direction. The conversion is an assumption, documented in
//! docs/FORMAT.md ("Imported networks") and overridable: capacity_tpy = capacity x
//! lanes x `hours_per_year` x `tonnes_per_vehicle`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::tntp::TntpError as ImportError;

/// The assumptions of a GMNS import.
#[derive(Debug, Clone, PartialEq)]
pub struct GmnsOptions {
    pub name: String,
    pub year: i32,
    pub k_routes: usize,
    /// Hours of capacity per year (8760: the whole year at the hourly capacity).
    pub hours_per_year: f64,
    /// Tonnes carried per vehicle (passenger car equivalent) of capacity.
    pub tonnes_per_vehicle: f64,
    /// Value of time of every flow, USD per tonne-hour.
    pub value_of_time_usd_per_t_h: f64,
    /// Default free speed (km/h) where a link has none.
    pub default_speed_kmh: f64,
}

impl Default for GmnsOptions {
    fn default() -> Self {
        GmnsOptions {
            name: "gmns".into(),
            year: 2025,
            k_routes: 8,
            hours_per_year: 8760.0,
            tonnes_per_vehicle: 10.0,
            value_of_time_usd_per_t_h: 1.0,
            default_speed_kmh: 50.0,
        }
    }
}

/// A CSV table: header names and rows of fields (no quoted commas expected in the
/// columns read; a WKT `geometry` column in quotes is skipped whole).
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

impl Table {
    fn read(path: &Path) -> Result<Table, ImportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let header = lines
            .next()
            .map(|(_, l)| split_csv(l.trim_start_matches('\u{feff}')))
            .unwrap_or_default();
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows: lines.map(|(i, l)| (i + 1, split_csv(l))).collect(),
        })
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn need(&self, name: &str) -> Result<usize, ImportError> {
        self.col(name).ok_or_else(|| ImportError::Parse {
            path: self.path.clone(),
            line: 1,
            message: format!(
                "column `{name}` missing (header: {})",
                self.header.join(",")
            ),
        })
    }

    fn num(
        &self,
        line: usize,
        row: &[String],
        col: Option<usize>,
    ) -> Result<Option<f64>, ImportError> {
        let Some(c) = col else { return Ok(None) };
        let v = row.get(c).map(String::as_str).unwrap_or("");
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<f64>().map(Some).map_err(|_| ImportError::Parse {
            path: self.path.clone(),
            line,
            message: format!("`{}` = `{v}` is not a number", self.header[c]),
        })
    }
}

/// Kilometres per unit of `long_length` and km/h per unit of `speed` in config.csv
/// (GMNS recommends miles or km, mph or km/h; osm2gmns writes metres and km/h).
fn units(dir: &Path) -> Result<(f64, f64), ImportError> {
    let path = dir.join("config.csv");
    let (mut km, mut kmh) = (0.001, 1.0);
    if path.is_file() {
        let t = Table::read(&path)?;
        if let Some((_, row)) = t.rows.first() {
            if let Some(u) = t.col("long_length").and_then(|c| row.get(c)) {
                km = match u.to_lowercase().as_str() {
                    "km" | "kilometer" | "kilometers" | "kilometre" | "kilometres" => 1.0,
                    "mi" | "mile" | "miles" => 1.609_344,
                    "ft" | "feet" => 0.000_304_8,
                    _ => 0.001,
                };
            }
            if let Some(u) = t.col("speed").and_then(|c| row.get(c)) {
                kmh = if u.to_lowercase().contains("mph") {
                    1.609_344
                } else {
                    1.0
                };
            }
        }
    }
    Ok((km, kmh))
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Reads a GMNS folder and writes a scenario file (TOML) for `corridor run`.
pub fn to_scenario_toml(dir: &Path, o: &GmnsOptions) -> Result<String, ImportError> {
    let (km_per_unit, kmh_per_unit) = units(dir)?;
    let nodes = Table::read(&dir.join("node.csv"))?;
    let links = Table::read(&dir.join("link.csv"))?;
    let (nid, nx, ny) = (
        nodes.need("node_id")?,
        nodes.need("x_coord")?,
        nodes.need("y_coord")?,
    );
    let nzone = nodes.col("zone_id");
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# Imported from the GMNS network in {} by `corridor import gmns`.\n\
         # Capacity: GMNS capacity (per hour and lane) x lanes x {} h/yr x {} t per vehicle\n\
         # (docs/FORMAT.md, \"Imported networks\"); value of time {} USD/t/h.\n\n\
         [scenario]\nname = {}\nfirst_year = {}\nlast_year = {}\nbase_year = {}\nreplications = 1\n\n\
         [route_choice]\nmodel = \"deterministic\"\nk_routes = {}\nmax_detour = 3\ndistinct_corridors = false\n\
         tolerance = 1e-6\nmax_iterations = 5000\n\n[[corridors]]\nid = \"network\"\n",
        dir.display(),
        o.hours_per_year,
        o.tonnes_per_vehicle,
        o.value_of_time_usd_per_t_h,
        quote(&o.name),
        o.year,
        o.year,
        o.year,
        o.k_routes
    );
    let mut zone_node: BTreeMap<String, String> = BTreeMap::new();
    let mut known: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (line, row) in &nodes.rows {
        let id = row.get(nid).cloned().unwrap_or_default();
        let x = nodes.num(*line, row, Some(nx))?.unwrap_or(0.0);
        let y = nodes.num(*line, row, Some(ny))?.unwrap_or(0.0);
        if x.abs() > 180.0 || y.abs() > 90.0 {
            return Err(ImportError::Parse {
                path: nodes.path.clone(),
                line: *line,
                message: format!(
                    "x_coord {x}, y_coord {y} are not longitude and latitude (reproject to EPSG:4326)"
                ),
            });
        }
        let zone = nzone.and_then(|c| row.get(c)).filter(|z| !z.is_empty());
        zone_node
            .entry(zone.cloned().unwrap_or_else(|| id.clone()))
            .or_insert_with(|| id.clone());
        known.insert(id.clone());
        let _ = writeln!(t, "[[nodes]]\nid = {}\nlon = {x}\nlat = {y}", quote(&id));
    }
    let (lid, lf, lt) = (
        links.need("link_id")?,
        links.need("from_node_id")?,
        links.need("to_node_id")?,
    );
    let (llen, lspeed, lcap, llanes, ltoll, ldir, lalpha, lbeta) = (
        links.col("length"),
        links.col("free_speed"),
        links.col("capacity"),
        links.col("lanes"),
        links.col("toll"),
        links.col("directed"),
        links.col("vdf_alpha"),
        links.col("vdf_beta"),
    );
    for (line, row) in &links.rows {
        let id = row.get(lid).cloned().unwrap_or_default();
        let (from, to) = (
            row.get(lf).cloned().unwrap_or_default(),
            row.get(lt).cloned().unwrap_or_default(),
        );
        for n in [&from, &to] {
            if !known.contains(n) {
                return Err(ImportError::Parse {
                    path: links.path.clone(),
                    line: *line,
                    message: format!("node `{n}` is not in node.csv"),
                });
            }
        }
        let length_km = (links.num(*line, row, llen)?.unwrap_or(0.0) * km_per_unit).max(1e-6);
        let speed_kmh = links
            .num(*line, row, lspeed)?
            .map(|s| s * kmh_per_unit)
            .filter(|s| *s > 0.0)
            .unwrap_or(o.default_speed_kmh);
        let lanes = links
            .num(*line, row, llanes)?
            .filter(|l| *l > 0.0)
            .unwrap_or(1.0);
        let directed = ldir
            .and_then(|c| row.get(c))
            .is_none_or(|d| !matches!(d.to_lowercase().as_str(), "0" | "false"));
        let _ = writeln!(
            t,
            "[[links]]\nid = {}\nfrom = {}\nto = {}\nmode = \"road\"\nlength_km = {length_km}\n\
             speed_kmh = {speed_kmh}\ncorridor = \"network\"\ntwo_way = {}",
            quote(&id),
            quote(&from),
            quote(&to),
            !directed
        );
        if let Some(cap) = links.num(*line, row, lcap)?.filter(|c| *c > 0.0) {
            let _ = writeln!(
                t,
                "capacity_tpy = {}",
                cap * lanes * o.hours_per_year * o.tonnes_per_vehicle
            );
        }
        if let Some(toll) = links.num(*line, row, ltoll)?.filter(|c| *c > 0.0) {
            let _ = writeln!(t, "tariff_usd_per_t = {toll}");
        }
        if let Some(a) = links.num(*line, row, lalpha)? {
            let _ = writeln!(t, "bpr_alpha = {a}");
        }
        if let Some(b) = links.num(*line, row, lbeta)? {
            let _ = writeln!(t, "bpr_beta = {b}");
        }
    }
    let demand_path = dir.join("demand.csv");
    if demand_path.is_file() {
        let d = Table::read(&demand_path)?;
        let (o_col, d_col, v_col) = (
            d.need("o_zone_id")?,
            d.need("d_zone_id")?,
            d.need("volume")?,
        );
        let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (line, row) in &d.rows {
            let (oz, dz) = (
                row.get(o_col).cloned().unwrap_or_default(),
                row.get(d_col).cloned().unwrap_or_default(),
            );
            let v = d.num(*line, row, Some(v_col))?.unwrap_or(0.0);
            if v <= 0.0 || oz == dz {
                continue;
            }
            let node_of = |z: &str| {
                zone_node.get(z).cloned().ok_or_else(|| ImportError::Parse {
                    path: d.path.clone(),
                    line: *line,
                    message: format!("zone `{z}` has no node (node.csv zone_id or node_id)"),
                })
            };
            let (on, dn) = (node_of(&oz)?, node_of(&dz)?);
            let k = seen.entry((oz.clone(), dz.clone())).or_insert(0);
            *k += 1;
            let suffix = if *k > 1 {
                format!("-{k}")
            } else {
                String::new()
            };
            let _ = writeln!(
                t,
                "[[demand]]\nid = {}\norigin = {}\ndestination = {}\ntonnes_per_year = {v}\n\
                 value_of_time_usd_per_t_h = {}",
                quote(&format!("{oz}-{dz}{suffix}")),
                quote(&on),
                quote(&dn),
                o.value_of_time_usd_per_t_h
            );
        }
    }
    Ok(t)
}
