//! Equilibria against published benchmarks: the TransportationNetworks collection
//! (Stabler, Bar-Gera et al.), whose best-known user-equilibrium link flows ship in
//! `../shared/tntp/`.
//!
//! - The network solver (`corridor_sim::equilibrium`) on Sioux Falls and Anaheim at a
//!   relative gap of 1e-8: Beckmann objective within 1e-6 (relative) of the best-known
//!   flows' objective, link flows on links whose cost rises with flow within 0.1% of
//!   the best-known wherever they exceed 1% of capacity, and the gap recomputed from
//!   the returned flows alone.
//! - The scenario model (`corridor run`, candidate routes) on Sioux Falls, with the
//!   network gap it reports beside its candidate-set gap.
//!
//! The data are for research use and are not part of this repository: when the folder
//! is absent the tests say so and check nothing else.

mod common;

use std::path::{Path, PathBuf};

use corridor_sim::equilibrium::{self, Options};
use corridor_sim::import::tntp::{self, TntpData};

/// `../shared/tntp/NAME` beside the clone (CI), or two levels up (a worktree in
/// `wt/NAME/`).
fn tntp_dir(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = ["../shared/tntp", "../../shared/tntp"]
        .iter()
        .map(|up| root.join(up).join(name))
        .find(|d| d.is_dir());
    if found.is_none() {
        eprintln!("skipped: ../shared/tntp/{name} not found beside the repository");
    }
    found
}

/// Solves a TNTP folder to gap 1e-8 and checks it against the best-known flows.
fn check_against_best_known(name: &str) {
    let Some(dir) = tntp_dir(name) else {
        return;
    };
    let data: TntpData = tntp::read_dir(&dir).expect("TNTP folder reads");
    let (net, demand) = data.network().expect("network builds");
    let sol = equilibrium::solve(
        &net,
        &demand,
        &Options {
            gap: 1e-8,
            ..Options::default()
        },
    )
    .expect("solves");
    assert!(
        sol.converged,
        "{name}: gap {:e} after {}",
        sol.gap.relative(),
        sol.iterations
    );
    // The gap recomputed from the returned flows alone.
    let recomputed = equilibrium::measure(&net, &demand, &sol.link_flow).unwrap();
    assert!(
        recomputed.relative() <= 1e-8,
        "{name}: recomputed gap {:e}",
        recomputed.relative()
    );
    let known = data.best_known_link_flows().expect("flow file");
    let z_known = net.beckmann(&known);
    let rel = (sol.beckmann - z_known) / z_known;
    let (mut worst, mut worst_link) = (0.0_f64, 0);
    for (l, &k) in known.iter().enumerate() {
        if net.b[l] > 0.0 && net.power[l] > 0.0 && k > 0.01 * net.capacity[l] {
            let d = (sol.link_flow[l] - k).abs() / k;
            if d > worst {
                (worst, worst_link) = (d, l);
            }
        }
    }
    eprintln!(
        "{name}: {} iterations, gap {:e}, Beckmann {} vs best known {} (rel {rel:e}), largest flow difference {worst:e} on link {worst_link}",
        sol.iterations,
        sol.gap.relative(),
        sol.beckmann,
        z_known
    );
    assert!(
        rel.abs() <= 1e-6,
        "{name}: objective {rel:e} from best known"
    );
    assert!(
        worst <= 1e-3,
        "{name}: link {worst_link} differs by {worst:e}"
    );
    // Beckmann is minimal at equilibrium: the best-known flows cannot do better by
    // more than the gap allows.
    assert!(sol.beckmann <= z_known * (1.0 + 1e-8));
}

#[test]
fn sioux_falls_solver_matches_the_best_known_flows() {
    check_against_best_known("SiouxFalls");
}

#[test]
fn anaheim_solver_matches_the_best_known_flows_with_zones_closed_to_through_traffic() {
    check_against_best_known("Anaheim");
}

/// Sioux Falls as a corridor scenario (`import::tntp::to_scenario_toml`), solved by
/// `corridor run` over `k_routes` candidate routes per pair; returns the scenario, the
/// results and the network solver's view of the same data.
fn sioux_falls_scenario(
    k_routes: usize,
) -> Option<(
    corridor_sim::model::Scenario,
    corridor_sim::results::Results,
    TntpData,
)> {
    let dir = tntp_dir("SiouxFalls")?;
    let data = tntp::read_dir(&dir).expect("TNTP folder reads");
    let opts = tntp::ScenarioOptions {
        name: "sioux-falls".into(),
        year: 2025,
        k_routes,
        tolerance: 1e-6,
        max_iterations: 5000,
        coordinates: tntp::read_coordinates(&dir, data.net.n_nodes).unwrap(),
    };
    let s = common::load_text(&tntp::to_scenario_toml(&data, &opts));
    let r = common::run(&s, 1, 2);
    Some((s, r, data))
}

/// The link flows of a run's year 2025, in TNTP link order (ids `from-to`).
fn scenario_link_flows(r: &corridor_sim::results::Results, data: &TntpData) -> Vec<f64> {
    data.net
        .links
        .iter()
        .map(|l| {
            common::value(
                &r.links,
                &["2025", &format!("{}-{}", l.from, l.to)],
                "tonnes",
            )
        })
        .collect()
}

#[test]
fn sioux_falls_scenario_reaches_the_best_known_flows_and_reports_its_network_gap() {
    let Some((_s, r, data)) = sioux_falls_scenario(12) else {
        return;
    };
    let gap = common::value(&r.convergence, &["2025"], "gap");
    assert!(gap < 1e-5, "candidate-set gap {gap}");
    let (net, demand) = data.network().unwrap();
    let flows = scenario_link_flows(&r, &data);
    // The network gap the run reports equals the one the network solver's code
    // measures from the link flows alone (Dijkstra on the TNTP graph).
    let reported = common::value(&r.convergence, &["2025"], "network_gap");
    let measured = equilibrium::measure(&net, &demand, &flows)
        .unwrap()
        .relative();
    assert!(
        (reported - measured).abs() <= 1e-9 + 1e-6 * measured.abs(),
        "reported {reported:e}, measured {measured:e}"
    );
    assert!(reported < 1e-5, "network gap {reported:e}");
    assert_eq!(
        common::value(&r.convergence, &["2025"], "flows_missing_routes"),
        0.0
    );
    // Every link flow within 0.2% of the best-known solution (equilibrium link flows
    // are unique; measured: largest link difference 0.022%).
    let known = data.best_known_link_flows().unwrap();
    let worst = flows
        .iter()
        .zip(&known)
        .map(|(m, k)| (m - k).abs() / k.max(1.0))
        .fold(0.0, f64::max);
    assert!(
        worst < 0.002,
        "largest relative link-flow difference {worst}"
    );
}

#[test]
fn one_candidate_route_per_pair_misses_routes_and_the_network_gap_shows_it() {
    let Some((_s, r, data)) = sioux_falls_scenario(1) else {
        return;
    };
    // With one route per pair the candidate-set gap is zero by construction...
    assert_eq!(common::value(&r.convergence, &["2025"], "gap"), 0.0);
    // ...but the free-flow shortest paths are far from an equilibrium: the network gap
    // (checked against the network solver's measure) is large and cheaper routes exist.
    let (net, demand) = data.network().unwrap();
    let measured = equilibrium::measure(&net, &demand, &scenario_link_flows(&r, &data))
        .unwrap()
        .relative();
    let reported = common::value(&r.convergence, &["2025"], "network_gap");
    assert!(
        (reported - measured).abs() <= 1e-9 + 1e-6 * measured,
        "{reported} vs {measured}"
    );
    assert!(reported > 0.01, "network gap {reported}");
    let missing = common::value(&r.convergence, &["2025"], "flows_missing_routes");
    assert!(missing > 0.0);
    let warnings = r.candidate_route_warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("2025") && w.contains("k_routes")),
        "{warnings:?}"
    );
}

#[test]
fn tntp_and_import_commands_solve_and_write_a_scenario_that_runs() {
    let Some(dir) = tntp_dir("SiouxFalls") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let corridor = || std::process::Command::new(env!("CARGO_BIN_EXE_corridor"));
    let flows = tmp.path().join("flows.csv");
    let o = corridor()
        .arg("tntp")
        .arg(&dir)
        .args(["--gap", "1e-6", "--threads", "1", "-q", "--flows"])
        .arg(&flows)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("converged after") && out.contains("best-known flows"),
        "{out}"
    );
    // One row per link, flows conserve demand at origin 1: out minus in = its trips.
    let text = std::fs::read_to_string(&flows).unwrap();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 76);
    let data = tntp::read_dir(&dir).unwrap();
    let net_out: f64 = rows
        .iter()
        .filter(|r| r[0] == 1.0)
        .map(|r| r[2])
        .sum::<f64>()
        - rows
            .iter()
            .filter(|r| r[1] == 1.0)
            .map(|r| r[2])
            .sum::<f64>();
    let produced: f64 = data
        .trips
        .iter()
        .filter(|t| t.0 == 1)
        .map(|t| t.2)
        .sum::<f64>()
        - data
            .trips
            .iter()
            .filter(|t| t.1 == 1)
            .map(|t| t.2)
            .sum::<f64>();
    assert!(
        (net_out - produced).abs() < 1e-6 * produced.abs().max(1.0),
        "{net_out} vs {produced}"
    );

    let scenario = tmp.path().join("sf.toml");
    let o = corridor()
        .args(["import", "tntp"])
        .arg(&dir)
        .arg("--out")
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = corridor().arg("validate").arg(&scenario).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A missing folder is bad input (exit 2) with the path in the message.
    let o = corridor()
        .args(["tntp", "/nonexistent-tntp"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nonexistent-tntp"));
}

#[test]
fn network_solver_gives_identical_flows_for_any_thread_count() {
    let Some(dir) = tntp_dir("Anaheim") else {
        return;
    };
    let (net, demand) = tntp::read_dir(&dir).unwrap().network().unwrap();
    let solve = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| equilibrium::solve(&net, &demand, &Options::default()).unwrap())
    };
    let (one, three) = (solve(1), solve(3));
    assert_eq!(one.iterations, three.iterations);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&one.link_flow), bits(&three.link_flow));
}
