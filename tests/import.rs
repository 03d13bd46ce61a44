//! `corridor import gmns`: a small GMNS folder (osm2gmns columns and units) becomes a
//! scenario whose capacities follow the documented conversion and whose equilibrium
//! splits demand as the symmetry of the network requires.

mod common;

use corridor_sim::import::gmns::{GmnsOptions, to_scenario_toml};

#[test]
fn gmns_network_runs_as_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let w = |f: &str, t: &str| std::fs::write(dir.path().join(f), t).unwrap();
    // Zone 1 at node 10, zone 2 at node 40; two identical two-link routes via 20 and
    // 30 (2 km at 60 km/h, 50 vehicles per hour and lane, 1 lane: congested), directed.
    w(
        "node.csv",
        "node_id,x_coord,y_coord,zone_id\n10,44.0,40.0,1\n20,44.01,40.01,\n30,44.01,39.99,\n40,44.02,40.0,2\n",
    );
    w(
        "link.csv",
        "link_id,from_node_id,to_node_id,directed,geometry,length,free_speed,lanes,capacity\n\
         a,10,20,1,\"LINESTRING (44 40, 44.01 40.01)\",1000,60,1,50\n\
         b,20,40,1,,1000,60,1,50\n\
         c,10,30,1,,1000,60,1,50\n\
         d,30,40,1,,1000,60,1,50\n",
    );
    w(
        "demand.csv",
        "o_zone_id,d_zone_id,volume\n1,2,3000000\n2,2,5\n",
    );
    let opts = GmnsOptions {
        name: "tiny".into(),
        ..GmnsOptions::default()
    };
    let s = common::load_text(&to_scenario_toml(dir.path(), &opts).unwrap());
    assert_eq!((s.nodes.len(), s.links.len(), s.demand.len()), (4, 4, 1));
    // 50 veh/h/lane x 1 lane x 8760 h x 10 t = 4.38 Mt/yr per direction.
    assert_eq!(s.links[0].capacity_tpy.nominal(), 50.0 * 8760.0 * 10.0);
    let r = common::run(&s, 1, 1);
    // Symmetric routes: half the demand each.
    for l in ["a", "b", "c", "d"] {
        let t = common::value(&r.links, &["2025", l], "tonnes");
        assert!((t - 1.5e6).abs() < 1e-3 * 1.5e6, "link {l}: {t}");
    }
    assert_eq!(
        common::value(&r.convergence, &["2025"], "flows_missing_routes"),
        0.0
    );

    // A missing node is reported with file and line.
    w("link.csv", "link_id,from_node_id,to_node_id\nx,10,99\n");
    let e = to_scenario_toml(dir.path(), &opts).unwrap_err().to_string();
    assert!(e.contains("link.csv:2") && e.contains("99"), "{e}");
}

/// A node with `through_traffic = false` is a zone: routes end there but never pass
/// through, so the flow takes the longer route; and the network check agrees.
#[test]
fn zones_closed_to_through_traffic_are_not_crossed() {
    let text = |flag: &str| {
        format!(
            "{}[[nodes]]\nid = \"Z\"\nlat = 40.1\nlon = 45.5\n{flag}\n{}{}{}{}{}",
            common::header(2025, 2025, "model = \"deterministic\"\nk_routes = 3"),
            // Via M: 10 h; via the zone Z: 4 h.
            common::link("am", "A", "M", "c1", 5.0, "two_way = false"),
            common::link("mb", "M", "B", "c1", 5.0, "two_way = false"),
            common::link("az", "A", "Z", "c2", 2.0, "two_way = false"),
            common::link("zb", "Z", "B", "c2", 2.0, "two_way = false"),
            common::demand(100.0, 1.0, "")
        )
    };
    let open = common::run(&common::load_text(&text("")), 1, 1);
    assert_eq!(common::value(&open.links, &["2025", "zb"], "tonnes"), 100.0);
    let closed = common::run(&common::load_text(&text("through_traffic = false")), 1, 1);
    assert_eq!(common::value(&closed.links, &["2025", "zb"], "tonnes"), 0.0);
    assert_eq!(
        common::value(&closed.links, &["2025", "mb"], "tonnes"),
        100.0
    );
    assert_eq!(
        common::value(&closed.convergence, &["2025"], "network_gap"),
        0.0
    );
    assert_eq!(
        common::value(&closed.convergence, &["2025"], "flows_missing_routes"),
        0.0
    );
}
