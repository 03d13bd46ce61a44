//! The network check of the candidate routes (`flows_missing_routes`, the run warning)
//! on a network small enough to price by hand: a flow whose candidates leave out a
//! cheaper route is flagged, with that route spelled out; listing the route clears the
//! flag; and so does saying that the route is not one this flow can take (`modes`,
//! `avoid_nodes`), which also keeps the candidate search off it.

mod common;

use corridor_sim::model::Scenario;
use corridor_sim::simulate::Engine;

/// A to B by rail via M (5 h + 5 h) or by road via Z (2 h + 2 h); value of time 1
/// USD/t-h and no charges, so the routes cost 10 and 4 USD/t. `flow` is added to the
/// demand row, `routes` after it.
fn scenario(flow: &str, routes: &str) -> Scenario {
    let road = |id: &str, from: &str, to: &str| {
        format!(
            "\n[[links]]\nid = \"{id}\"\nfrom = \"{from}\"\nto = \"{to}\"\nmode = \"road\"\n\
             length_km = 100\ntime_h = 2\ncorridor = \"c2\"\ntwo_way = false\n"
        )
    };
    common::load_text(&format!(
        "{}[[nodes]]\nid = \"Z\"\nlat = 40.1\nlon = 45.5\n{}{}{}{}{}{}",
        common::header(2025, 2025, "model = \"deterministic\"\nk_routes = 3"),
        common::link("am", "A", "M", "c1", 5.0, "two_way = false"),
        common::link("mb", "M", "B", "c1", 5.0, "two_way = false"),
        road("az", "A", "Z"),
        road("zb", "Z", "B"),
        common::demand(100.0, 1.0, flow),
        routes,
    ))
}

fn explicit(id: &str, links: &str) -> String {
    format!("\n[[routes]]\nid = \"{id}\"\norigin = \"A\"\ndestination = \"B\"\nlinks = [{links}]\n")
}

fn missing(s: &Scenario) -> f64 {
    let r = common::run(s, 1, 1);
    common::value(&r.convergence, &["2025"], "flows_missing_routes")
}

#[test]
fn a_missing_cheaper_route_is_flagged_and_spelled_out_and_listing_it_clears_the_flag() {
    // Only the rail route listed: the road route (4 USD/t) beats it (10 USD/t).
    let s = scenario("", &explicit("rail", "\"am\", \"mb\""));
    let r = common::run(&s, 1, 1);
    assert_eq!(
        common::value(&r.convergence, &["2025"], "flows_missing_routes"),
        1.0
    );
    // All 100 t pay 10 against a network optimum of 4: gap (1000 - 400) / 1000.
    let gap = common::value(&r.convergence, &["2025"], "network_gap");
    assert!((gap - 0.6).abs() < 1e-9, "{gap}");
    assert_eq!(r.candidate_route_warnings().len(), 1);

    // The diagnostic names the flow, both routes and both costs.
    let engine = Engine::new(&s).record_missed_routes();
    engine.run_full(None, None, None, true);
    let missed = engine.missed_routes();
    assert_eq!(missed.len(), 1);
    let m = &missed[0];
    let links = |arcs: &[usize]| -> Vec<&str> {
        arcs.iter()
            .map(|&a| s.links[engine.arcs.arcs[a].link].id.as_str())
            .collect()
    };
    assert_eq!((m.year, m.demand), (2025, 0));
    let (cand, cand_usd) = m.best_candidate.as_ref().expect("a candidate");
    assert_eq!(links(cand), ["am", "mb"]);
    assert!((cand_usd - 10.0).abs() < 1e-9, "{cand_usd}");
    assert_eq!(links(&m.network_arcs), ["az", "zb"]);
    assert!(
        (m.network_usd_per_t - 4.0).abs() < 1e-9,
        "{}",
        m.network_usd_per_t
    );

    // Listing the road route too clears the flag (and the flow takes it).
    let both = format!(
        "{}{}",
        explicit("rail", "\"am\", \"mb\""),
        explicit("road", "\"az\", \"zb\"")
    );
    let r = common::run(&scenario("", &both), 1, 1);
    assert_eq!(
        common::value(&r.convergence, &["2025"], "flows_missing_routes"),
        0.0
    );
    assert_eq!(common::value(&r.links, &["2025", "zb"], "tonnes"), 100.0);
    assert!(r.candidate_route_warnings().is_empty());
}

#[test]
fn a_route_the_flow_cannot_take_is_not_missed() {
    let rail_only = explicit("rail", "\"am\", \"mb\"");
    // A rail-only flow, or one kept off Z, has no cheaper route than its rail candidate.
    for flow in ["modes = [\"rail\"]", "avoid_nodes = [\"Z\"]"] {
        assert_eq!(missing(&scenario(flow, &rail_only)), 0.0, "{flow}");
        // Left to the k-shortest search, it is not offered the road route either.
        let r = common::run(&scenario(flow, ""), 1, 1);
        assert_eq!(
            common::value(&r.links, &["2025", "zb"], "tonnes"),
            0.0,
            "{flow}"
        );
        assert_eq!(
            common::value(&r.links, &["2025", "mb"], "tonnes"),
            100.0,
            "{flow}"
        );
        assert_eq!(
            common::value(&r.convergence, &["2025"], "flows_missing_routes"),
            0.0
        );
    }
    // Unrestricted, the search finds the road route and the flow takes it.
    let r = common::run(&scenario("", ""), 1, 1);
    assert_eq!(common::value(&r.links, &["2025", "zb"], "tonnes"), 100.0);
}

#[test]
fn restrictions_naming_unknown_modes_or_the_flows_own_ends_are_located_errors() {
    for (flow, expect) in [
        ("modes = [\"air\"]", "modes[0]"),
        ("modes = []", "modes"),
        ("avoid_nodes = [\"Q\"]", "avoid_nodes[0]"),
        ("avoid_nodes = [\"B\"]", "avoid_nodes[0]"),
    ] {
        let text = format!(
            "{}{}",
            common::header(2025, 2025, ""),
            common::link("ab", "A", "B", "c1", 5.0, "") + &common::demand(1.0, 1.0, flow)
        );
        let (_dir, path) = common::scenario_file("bad", &text);
        let e = match corridor_sim::scenario::load(&path) {
            Ok(_) => panic!("{flow}: should not load"),
            Err(e) => e.to_string(),
        };
        assert!(e.contains(&format!("demand[0].{expect}")), "{flow}: {e}");
    }
}

/// Candidates through different ports of one corridor are alternatives; a route that
/// differs from a cheaper one only by a parallel link between the same gateways is a
/// near-duplicate (`distinct_corridors`, the default). A to B, all in corridor c1:
/// rail via port P (2 + 2 h), road then rail via P (2.2 + 2 h), rail via port Q
/// (2.5 + 2.5 h).
#[test]
fn candidates_through_other_ports_are_kept_and_parallel_variants_are_not() {
    let port = |id: &str, lon: f64| {
        format!("\n[[nodes]]\nid = \"{id}\"\nkind = \"port\"\nlat = 40.1\nlon = {lon}\n")
    };
    let road = "\n[[links]]\nid = \"ap-road\"\nfrom = \"A\"\nto = \"P\"\nmode = \"road\"\n\
                length_km = 100\ntime_h = 2.2\ncorridor = \"c1\"\ntwo_way = false\n";
    let s = common::load_text(&format!(
        "{}{}{}{}{}{}{}{}{}",
        common::header(2025, 2025, "model = \"deterministic\"\nk_routes = 3"),
        port("P", 45.4),
        port("Q", 45.6),
        common::link("ap", "A", "P", "c1", 2.0, "two_way = false"),
        common::link("pb", "P", "B", "c1", 2.0, "two_way = false"),
        road,
        common::link("aq", "A", "Q", "c1", 2.5, "two_way = false"),
        common::link("qb", "Q", "B", "c1", 2.5, "two_way = false"),
        common::demand(100.0, 1.0, ""),
    ));
    let r = common::run(&s, 1, 1);
    let route = r
        .routes
        .key_columns
        .iter()
        .position(|k| *k == "route")
        .expect("route key");
    let mut keys: Vec<&str> = r
        .routes
        .rows
        .iter()
        .filter(|row| row.keys[0] == "2025")
        .map(|row| row.keys[route].as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["ap>pb", "aq>qb"]);
}

/// An explicit route that a flow's restriction rules out is used as listed, with a
/// warning at the route's `links`.
#[test]
fn an_explicit_route_against_the_flows_restriction_is_warned_about() {
    let text = |flow: &str| {
        let road = |id: &str, from: &str, to: &str| {
            format!(
                "\n[[links]]\nid = \"{id}\"\nfrom = \"{from}\"\nto = \"{to}\"\nmode = \"road\"\n\
                 length_km = 100\ntime_h = 2\ncorridor = \"c2\"\ntwo_way = false\n"
            )
        };
        format!(
            "{}[[nodes]]\nid = \"Z\"\nlat = 40.1\nlon = 45.5\n{}{}{}",
            common::header(2025, 2025, ""),
            road("az", "A", "Z") + &road("zb", "Z", "B"),
            common::demand(100.0, 1.0, flow),
            explicit("road", "\"az\", \"zb\""),
        )
    };
    let warnings = |flow: &str| {
        let (_dir, path) = common::scenario_file("w", &text(flow));
        let loaded = corridor_sim::scenario::load(&path).expect("loads");
        loaded
            .warnings
            .iter()
            .map(|w| w.to_string())
            .filter(|w| w.contains("routes[0].links"))
            .collect::<Vec<_>>()
    };
    assert!(warnings("").is_empty());
    let w = warnings("modes = [\"rail\"]");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("`az` is road"), "{w:?}");
    let w = warnings("avoid_nodes = [\"Z\"]");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("passes `Z`"), "{w:?}");
}
