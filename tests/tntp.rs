//! The deterministic equilibrium against a published benchmark: Sioux Falls from the
//! TransportationNetworks collection (Stabler et al.), whose best-known user-equilibrium
//! link flows ship in `../shared/tntp/SiouxFalls/`. The network is turned into a scenario
//! (each TNTP link a one-way link with its BPR b and power, value of time 1 so that cost
//! is time) and solved over 12 candidate routes per pair.
//!
//! The data are for research use and are not part of this repository: when the folder
//! is absent the test says so and checks nothing else.

mod common;

use std::fmt::Write;
use std::path::Path;

fn data_rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with(['<', '~']))
        .map(|l| {
            l.split(['\t', ' ', ';'])
                .filter(|t| !t.is_empty())
                .collect()
        })
}

#[test]
fn sioux_falls_equilibrium_matches_the_best_known_flows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tntp/SiouxFalls");
    if !dir.is_dir() {
        eprintln!("skipped: {} not found", dir.display());
        return;
    }
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let (nodes, net, trips, flows) = (
        read("SiouxFalls_node.tntp"),
        read("SiouxFalls_net.tntp"),
        read("SiouxFalls_trips.tntp"),
        read("SiouxFalls_flow.tntp"),
    );
    let mut toml = String::from(
        "[scenario]\nname = \"sioux-falls\"\nfirst_year = 2025\nlast_year = 2025\n\n\
         [route_choice]\nmodel = \"deterministic\"\nk_routes = 12\nmax_detour = 3\n\
         distinct_corridors = false\ntolerance = 1e-6\nmax_iterations = 5000\n\n\
         [[corridors]]\nid = \"net\"\n",
    );
    for row in data_rows(&nodes).skip(1) {
        let (id, x, y) = (row[0], row[1], row[2]);
        writeln!(toml, "[[nodes]]\nid = \"{id}\"\nlon = {x}\nlat = {y}").unwrap();
    }
    let mut link_ids = Vec::new();
    for row in data_rows(&net) {
        let (a, b, cap, len, fft, bb, pow) =
            (row[0], row[1], row[2], row[3], row[4], row[5], row[6]);
        let id = format!("{a}-{b}");
        writeln!(
            toml,
            "[[links]]\nid = \"{id}\"\nfrom = \"{a}\"\nto = \"{b}\"\nmode = \"road\"\nlength_km = {len}\n\
             time_h = {fft}\ncapacity_tpy = {cap}\nbpr_alpha = {bb}\nbpr_beta = {pow}\n\
             corridor = \"net\"\ntwo_way = false"
        )
        .unwrap();
        link_ids.push(id);
    }
    let mut origin = "";
    for line in trips.lines() {
        let line = line.trim();
        if let Some(o) = line.strip_prefix("Origin") {
            origin = o.trim();
            continue;
        }
        for pair in line.split(';') {
            let Some((d, v)) = pair.split_once(':') else {
                continue;
            };
            let (d, v) = (d.trim(), v.trim().parse::<f64>().unwrap());
            if v > 0.0 && d != origin {
                writeln!(
                    toml,
                    "[[demand]]\nid = \"{origin}-{d}\"\norigin = \"{origin}\"\ndestination = \"{d}\"\n\
                     tonnes_per_year = {v}\nvalue_of_time_usd_per_t_h = 1"
                )
                .unwrap();
            }
        }
    }
    let s = common::load_text(&toml);
    let r = common::run(&s, 1, 2);
    let gap = common::value(&r.convergence, &["2025"], "gap");
    assert!(gap < 1e-5, "relative gap {gap}");

    // Best-known flows and the total travel time they imply.
    let (mut tstt_known, mut tstt_model, mut worst) = (0.0, 0.0, 0.0_f64);
    for row in data_rows(&flows).skip(1) {
        let id = format!("{}-{}", row[0], row[1]);
        let (known, cost) = (
            row[2].parse::<f64>().unwrap(),
            row[3].parse::<f64>().unwrap(),
        );
        let model = common::value(&r.links, &["2025", &id], "tonnes");
        tstt_known += known * cost;
        let l = link_ids.iter().position(|x| *x == id).unwrap();
        let lv = &s.links[l];
        let t0 = match &lv.running {
            corridor_sim::model::Running::FixedH(p) => p.nominal(),
            corridor_sim::model::Running::SpeedKmh(_) => unreachable!(),
        };
        let cap = lv.capacity_tpy.nominal();
        tstt_model += model * t0 * (1.0 + lv.bpr.alpha * (model / cap).powf(lv.bpr.beta));
        worst = worst.max((model - known).abs() / known.max(1.0));
    }
    // Total system travel time within 0.01% and every link flow within 0.2% of the
    // best-known solution (equilibrium link flows are unique; ours stops at gap 1e-6;
    // measured: TSTT -0.002%, largest link difference 0.022%).
    eprintln!(
        "TSTT model {tstt_model:.1}, best known {tstt_known:.1}; largest link difference {worst:.5}; gap {gap:e}"
    );
    assert!(
        (tstt_model - tstt_known).abs() / tstt_known < 1e-4,
        "{tstt_model} vs {tstt_known}"
    );
    assert!(
        worst < 0.002,
        "largest relative link-flow difference {worst}"
    );
}
