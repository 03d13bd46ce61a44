//! Which flows' candidate routes miss a cheaper route over the network, and which route:
//! the diagnostic behind the run warning "candidate routes miss cheaper routes"
//! (`convergence.csv`, `flows_missing_routes`). For one replication (default 0) of a
//! scenario it prints, for each checked year (default the last), each flagged flow,
//! its cheapest candidate and the cheaper network path with both costs (USD/t at the
//! year's final flows), so a modeller can decide whether the path is a real route (add
//! it to the candidates) or not (restrict the network: `through_traffic`, a flow's
//! `modes` or `avoid_nodes`).
//!
//! cargo run --release --example missed_routes -- scenarios/tripp-opens.toml [REP] [all]

use std::path::Path;

use corridor_sim::runner::uniforms;
use corridor_sim::scenario::load::load;
use corridor_sim::simulate::Engine;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: missed_routes SCENARIO [REPLICATION] [all]");
        std::process::exit(2);
    };
    let rep: u64 = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(0);
    let every_year = args.iter().any(|a| a == "all");
    let loaded = match load(Path::new(path)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let s = &loaded.scenario;
    let engine = Engine::new(s).record_missed_routes();
    let u = uniforms(s, s.seed, rep);
    engine.run_full(Some(&u), None, Some((s.seed, rep)), true);
    let last = s.years().last().unwrap_or(s.base_year);
    let describe = |arcs: &mut dyn Iterator<Item = usize>| {
        arcs.map(|a| {
            let arc = &engine.arcs.arcs[a];
            let id = &s.links[arc.link].id;
            if arc.forward {
                id.clone()
            } else {
                format!("{id}(rev)")
            }
        })
        .collect::<Vec<_>>()
        .join(" > ")
    };
    let missed = engine.missed_routes();
    let shown: Vec<_> = missed
        .iter()
        .filter(|m| every_year || m.year == last)
        .collect();
    println!(
        "{path}, replication {rep}: {} flagged flow-year(s){}",
        shown.len(),
        if every_year {
            String::new()
        } else {
            format!(" in {last}")
        }
    );
    for m in shown {
        let dem = &s.demand[m.demand];
        println!(
            "\n{} {} ({} -> {})",
            m.year, dem.id, s.nodes[dem.origin].id, s.nodes[dem.destination].id
        );
        match &m.best_candidate {
            Some((arcs, usd)) => println!(
                "  cheapest candidate: {usd:.3} USD/t  {}",
                describe(&mut arcs.iter().copied())
            ),
            None => println!("  no available candidate"),
        }
        println!(
            "  network route:      {:.3} USD/t  {}",
            m.network_usd_per_t,
            describe(&mut m.network_arcs.iter().copied())
        );
    }
}
