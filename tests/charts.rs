//! Charts, GeoJSON and HTML pages drawn from a hand-built scenario and hand-built
//! results (no simulation), so that what is checked is the drawing alone.
//!
//! Chart SVGs are compared byte for byte with `tests/snapshots/<stem>.svg`. After an
//! intended change, rewrite them with `UPDATE_SNAPSHOTS=1 cargo test --test charts`
//! and look at the new files before committing them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use corridor_sim::charts::{self, Kind};
use corridor_sim::compare::{CORRIDOR_CHANGE_METRICS, Comparison, OD_CHANGE_METRICS};
use corridor_sim::figures::{
    CONVERGENCE_METRICS, CORRIDOR_METRICS, DEMAND_METRICS, DISRUPTION_METRICS, LINK_METRICS,
    ROUTE_METRICS,
};
use corridor_sim::model::{
    Bpr, ChoiceModel, Corridor, Demand, Link, Mode, Node, NodeCosts, NodeKind, RouteChoice,
    Running, Scenario,
};
use corridor_sim::output;
use corridor_sim::report::{geojson, html};
use corridor_sim::results::{Results, Row, Table};
use corridor_sim::scenario::num::Param;
use corridor_sim::stats::Summary;

// ---------------------------------------------------------------------------------
// A small hand-built study: three corridors (the first is new and opens in 2030),
// five nodes, six links, two flows, 2028-2032, 200 replications.

const YEARS: [i32; 5] = [2028, 2029, 2030, 2031, 2032];

fn fixed(v: f64) -> Param {
    Param::Fixed(v)
}

fn node(id: &str, name: &str, lat: f64, lon: f64, country: &str, kind: NodeKind) -> Node {
    Node {
        id: id.into(),
        name: name.into(),
        lat,
        lon,
        country: country.into(),
        kind,
        costs: NodeCosts {
            border_dwell_h: fixed(0.0),
            border_fee_usd_per_t: fixed(0.0),
            transshipment_h: fixed(0.0),
            transshipment_usd_per_t: fixed(0.0),
            gauge_change_h: fixed(0.0),
            gauge_change_usd_per_t: fixed(0.0),
            port_handling_h: fixed(0.0),
            port_handling_usd_per_t: fixed(0.0),
        },
        through_traffic: true,
    }
}

fn link(id: &str, from: usize, to: usize, mode: Mode, capacity: f64, corridor: usize) -> Link {
    Link {
        id: id.into(),
        from,
        to,
        mode,
        length_km: fixed(200.0),
        running: Running::SpeedKmh(fixed(40.0)),
        capacity_tpy: fixed(capacity),
        tariff_usd_per_t: fixed(0.0),
        tariff_usd_per_tkm: fixed(0.05),
        gauge_mm: None,
        corridor,
        two_way: true,
        open_from: None,
        open_until: None,
        bpr: Bpr {
            alpha: 0.15,
            beta: 4.0,
        },
    }
}

fn scenario() -> Scenario {
    let corridor = |id: &str, name: &str, new: bool| Corridor {
        id: id.into(),
        name: name.into(),
        new,
        color: None,
        constant_usd_per_t: 0.0,
    };
    Scenario {
        name: "hand-built".into(),
        title: "Hand-built study: an eastern corridor opens in 2030".into(),
        description: "Results written by hand for testing the charts and the report.".into(),
        first_year: YEARS[0],
        last_year: YEARS[YEARS.len() - 1],
        base_year: YEARS[0],
        seed: 1,
        replications: 200,
        route_choice: RouteChoice {
            model: ChoiceModel::Logit,
            k_routes: 3,
            max_detour: 2.0,
            logit_scale_per_usd: 0.05,
            path_size: true,
            distinct_corridors: true,
            max_iterations: 500,
            tolerance: 1e-4,
        },
        corridors: vec![
            corridor("east", "Eastern corridor (new)", true),
            corridor("north", "Northern line", false),
            corridor("sea", "Sea route", false),
        ],
        nodes: vec![
            node("P", "Port Alpha", 41.0, 50.0, "AA", NodeKind::Port),
            node("C", "Capital", 40.4, 48.0, "AA", NodeKind::City),
            node("B", "Border Gate", 39.5, 46.5, "BB", NodeKind::Border),
            node("T", "Junction", 41.6, 46.0, "BB", NodeKind::Terminal),
            node("M", "Market City", 40.2, 44.0, "CC", NodeKind::City),
        ],
        links: vec![
            link("p-c", 0, 1, Mode::Rail, 12e6, 1),
            link("c-t", 1, 3, Mode::Rail, 6e6, 1),
            link("t-m", 3, 4, Mode::Rail, 6e6, 1),
            link("c-b", 1, 2, Mode::Rail, 8e6, 0),
            link("b-m", 2, 4, Mode::Rail, 8e6, 0),
            link("p-m-sea", 0, 4, Mode::Sea, f64::INFINITY, 2),
        ],
        demand: vec![
            Demand {
                id: "port-market".into(),
                origin: 0,
                destination: 4,
                commodity: "containers".into(),
                tonnes_per_year: fixed(6e6),
                growth_per_year: fixed(0.05),
                growth_later: Vec::new(),
                value_of_time_usd_per_t_h: fixed(1.0),
                elasticity: fixed(0.0),
                modes: Vec::new(),
                avoid_nodes: Vec::new(),
            },
            Demand {
                id: "capital-market".into(),
                origin: 1,
                destination: 4,
                commodity: "general".into(),
                tonnes_per_year: fixed(2e6),
                growth_per_year: fixed(0.03),
                growth_later: Vec::new(),
                value_of_time_usd_per_t_h: fixed(1.0),
                elasticity: fixed(0.0),
                modes: Vec::new(),
                avoid_nodes: Vec::new(),
            },
        ],
        routes: Vec::new(),
        events: Vec::new(),
        disruptions: Vec::new(),
        measures: Vec::new(),
        calibration: Default::default(),
        queues: vec![],
        queue_trace_year: 2030,
        n_draws: 3,
        draw_keys: vec!["a".into(), "b".into(), "c".into()],
    }
}

/// A figure with symmetric percentiles around `mean` (`spread` is the 25-75% half
/// width; 5-95% is twice that), never below zero.
fn band(mean: f64, spread: f64) -> Summary {
    let c = |v: f64| v.max(0.0);
    Summary {
        mean,
        sd: spread * 1.5,
        p: [
            c(mean - 2.0 * spread),
            c(mean - spread),
            mean,
            mean + spread,
            mean + 2.0 * spread,
        ],
        n: 200,
    }
}

fn exact(v: f64) -> Summary {
    band(v, 0.0)
}

fn table(name: &'static str, keys: &[&'static str], metrics: &[&'static str]) -> Table {
    Table {
        name,
        key_columns: keys.to_vec(),
        metrics: metrics.to_vec(),
        rows: Vec::new(),
    }
}

fn row(keys: &[&str], stats: Vec<Summary>) -> Row {
    Row {
        keys: keys.iter().map(|k| k.to_string()).collect(),
        stats,
    }
}

fn results() -> Results {
    let s = scenario();
    // Tonnes (Mt) by year: the new corridor opens in 2030 and takes freight from the
    // northern line; some demand is unserved until then.
    let east = [0.0, 0.0, 2.0, 3.5, 4.2];
    let north = [5.5, 5.6, 4.1, 3.2, 2.9];
    let sea = [1.5, 1.7, 1.8, 1.8, 1.9];
    let unserved = [0.8, 0.9, 0.2, 0.0, 0.0];
    let mut corridors = table(
        "corridors",
        &["year", "corridor", "corridor_name"],
        &CORRIDOR_METRICS,
    );
    for (y, year) in YEARS.iter().enumerate() {
        let total = east[y] + north[y] + sea[y] + unserved[y];
        let ys = year.to_string();
        for (id, name, t, spread) in [
            ("east", "Eastern corridor (new)", east[y], 0.25 * east[y]),
            ("north", "Northern line", north[y], 0.08 * north[y]),
            ("sea", "Sea route", sea[y], 0.05 * sea[y]),
            (
                "unserved",
                "Unserved demand",
                unserved[y],
                0.3 * unserved[y],
            ),
        ] {
            let cost = if id == "unserved" || t == 0.0 {
                Summary::EMPTY
            } else {
                band(60.0 + 10.0 * y as f64, 4.0)
            };
            corridors.rows.push(row(
                &[&ys, id, name],
                vec![
                    band(t * 1e6, spread * 1e6),
                    band(t / total, spread / total),
                    band(t * 1e6 * 800.0, spread * 1e6 * 800.0),
                    cost,
                    cost,
                ],
            ));
        }
    }

    let mut routes = table(
        "routes",
        &[
            "year",
            "demand",
            "origin",
            "destination",
            "commodity",
            "route",
            "route_name",
            "corridor",
        ],
        &ROUTE_METRICS,
    );
    for (y, year) in YEARS.iter().enumerate() {
        let ys = year.to_string();
        let open = *year >= 2030;
        let port_demand = 6.0 + 0.3 * y as f64;
        let mut r = |dem: &str,
                     o: &str,
                     d: &str,
                     com: &str,
                     key: &str,
                     name: &str,
                     cor: &str,
                     t: f64,
                     total: f64,
                     cost: f64,
                     time_h: f64| {
            routes.rows.push(row(
                &[&ys, dem, o, d, com, key, name, cor],
                vec![
                    band(t * 1e6, 0.1 * t * 1e6),
                    band(t / total, 0.1 * t / total),
                    band(cost, 0.08 * cost),
                    band(time_h, 0.15 * time_h),
                ],
            ));
        };
        r(
            "port-market",
            "P",
            "M",
            "containers",
            "p-c>c-t>t-m",
            "Northern line",
            "north",
            north[y] * 0.7,
            port_demand,
            95.0 + 3.0 * y as f64,
            70.0,
        );
        r(
            "port-market",
            "P",
            "M",
            "containers",
            "p-m-sea",
            "Sea route",
            "sea",
            sea[y],
            port_demand,
            120.0,
            210.0,
        );
        if open {
            r(
                "port-market",
                "P",
                "M",
                "containers",
                "p-c>c-b>b-m",
                "Northern line > Eastern corridor (new)",
                "east",
                east[y] * 0.75,
                port_demand,
                80.0,
                48.0,
            );
            r(
                "capital-market",
                "C",
                "M",
                "general",
                "c-b>b-m",
                "Eastern corridor (new)",
                "east",
                east[y] * 0.25,
                2.0,
                45.0,
                30.0,
            );
        }
        r(
            "capital-market",
            "C",
            "M",
            "general",
            "c-t>t-m",
            "Northern line",
            "north",
            north[y] * 0.3,
            2.0,
            58.0,
            44.0,
        );
    }

    let mut links = table(
        "links",
        &["year", "link", "from", "to", "mode", "corridor"],
        &LINK_METRICS,
    );
    for (y, year) in YEARS.iter().enumerate() {
        let ys = year.to_string();
        let open = *year >= 2030;
        for l in &s.links {
            let t = match l.id.as_str() {
                "p-c" => north[y] * 0.7 + east[y] * 0.75,
                "c-t" | "t-m" => north[y],
                "c-b" | "b-m" => east[y],
                _ => sea[y],
            } * 1e6;
            let cap = l.capacity_tpy.nominal();
            let is_open = l.corridor != 0 || open;
            let u = if cap.is_finite() { t / cap } else { 0.0 };
            links.rows.push(row(
                &[
                    &ys,
                    &l.id,
                    &s.nodes[l.from].id,
                    &s.nodes[l.to].id,
                    l.mode.name(),
                    &s.corridors[l.corridor].id,
                ],
                vec![
                    band(t, 0.1 * t),
                    band(u, 0.1 * u),
                    band(2.0 * u, 0.5 * u),
                    exact(if is_open { 1.0 } else { 0.0 }),
                ],
            ));
        }
    }

    let mut od = table(
        "od",
        &["year", "demand", "origin", "destination", "commodity"],
        &DEMAND_METRICS,
    );
    for (y, year) in YEARS.iter().enumerate() {
        let ys = year.to_string();
        let port_demand = (6.0 + 0.3 * y as f64) * 1e6;
        od.rows.push(row(
            &[&ys, "port-market", "P", "M", "containers"],
            vec![
                band(port_demand, 0.05 * port_demand),
                band(port_demand - unserved[y] * 1e6, 0.05 * port_demand),
                band(unserved[y] * 1e6, 0.3 * unserved[y] * 1e6),
                band(100.0, 5.0),
                band(60.0, 6.0),
            ],
        ));
        od.rows.push(row(
            &[&ys, "capital-market", "C", "M", "general"],
            vec![
                exact(2e6),
                exact(2e6),
                exact(0.0),
                band(50.0, 3.0),
                band(40.0, 4.0),
            ],
        ));
    }

    let mut convergence = table("convergence", &["year"], &CONVERGENCE_METRICS);
    for (y, year) in YEARS.iter().enumerate() {
        let not_all = *year == 2030;
        convergence.rows.push(row(
            &[&year.to_string()],
            vec![
                band(4.0 + y as f64, 1.0),
                if y == 0 {
                    exact(0.0)
                } else {
                    band(3e-5 * (1 + y) as f64, 1e-5)
                },
                exact(if not_all { 0.97 } else { 1.0 }),
                band(1e-4, 1e-5),
                exact(0.0),
            ],
        ));
    }

    Results {
        routes,
        corridors,
        links,
        od,
        convergence,
        disruptions: None,
        measures: None,
        queues: None,
        queue_trace: None,
        replications: 200,
        sketched: false,
    }
}

// ---------------------------------------------------------------------------------
// Snapshots.

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Compares `actual` with the stored snapshot, or rewrites it when UPDATE_SNAPSHOTS
/// is set. Returns a description of the mismatch.
fn check_snapshot(name: &str, actual: &str) -> Option<String> {
    let path = snapshot_dir().join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot_dir()).expect("create tests/snapshots");
        std::fs::write(&path, actual).expect("write snapshot");
        return None;
    }
    let Ok(expected) = std::fs::read_to_string(&path) else {
        return Some(format!(
            "{name}: no snapshot at {}; run UPDATE_SNAPSHOTS=1 cargo test --test charts and look at it",
            path.display()
        ));
    };
    if expected == actual {
        return None;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{name}: differs from the snapshot from line {}:\n  expected: {}\n  actual:   {}",
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>")
    ))
}

#[test]
fn every_chart_matches_its_svg_snapshot() {
    let (s, r) = (scenario(), results());
    let plan = charts::plan(&s, &r);
    let mut failures = Vec::new();
    for chart in &plan {
        let svg = charts::render_svg(chart, &s, &r).expect("chart renders");
        if let Some(f) = check_snapshot(&format!("{}.svg", chart.stem), &svg) {
            failures.push(f);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(after an intended change: UPDATE_SNAPSHOTS=1 cargo test --test charts)",
        failures.join("\n")
    );
}

#[test]
fn the_plan_has_every_kind_and_the_key_years() {
    let (s, r) = (scenario(), results());
    let plan = charts::plan(&s, &r);
    let stems: Vec<&str> = plan.iter().map(|c| c.stem.as_str()).collect();
    assert_eq!(
        stems,
        [
            "corridor_tonnes",
            "corridor_share",
            "route_cost",
            "route_time",
            "link_utilization",
            "map_2028",
            "map_2030",
            "map_2032",
            "convergence",
            "unserved"
        ]
    );
    assert!(plan.iter().any(|c| c.kind == Kind::Map { year: 2030 }));
}

#[test]
fn charts_are_deterministic_and_png_is_valid() {
    let (s, r) = (scenario(), results());
    let files = charts::render_all(&s, &r).expect("charts render");
    let again = charts::render_all(&s, &r).expect("charts render");
    assert_eq!(files, again);
    let plan = charts::plan(&s, &r);
    assert_eq!(files.len(), 2 * plan.len());
    for (chart, pair) in plan.iter().zip(files.chunks(2)) {
        assert_eq!(pair[0].0, chart.svg_path());
        assert_eq!(pair[1].0, chart.png_path());
        assert!(pair[0].1.starts_with(b"<svg"), "{}", chart.stem);
        let png = &pair[1].1;
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", chart.stem);
        // IHDR: width and height, big-endian, right after the signature and chunk header.
        let w = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let h = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert_eq!((w, h), (chart.width, chart.height), "{}", chart.stem);
    }
}

#[test]
fn one_replication_draws_without_bands() {
    let s = scenario();
    let mut r = results();
    r.replications = 1;
    for t in [
        &mut r.corridors,
        &mut r.routes,
        &mut r.links,
        &mut r.od,
        &mut r.convergence,
    ] {
        for row in &mut t.rows {
            for st in &mut row.stats {
                *st = exact(st.mean);
            }
        }
    }
    for chart in charts::plan(&s, &r) {
        let svg = charts::render_svg(&chart, &s, &r).expect("chart renders");
        assert!(
            !svg.contains("5–95%</text>"),
            "{} shows a band legend",
            chart.stem
        );
    }
}

#[test]
fn a_single_year_without_a_new_corridor_still_draws() {
    let mut s = scenario();
    s.first_year = 2031;
    s.last_year = 2031;
    s.base_year = 2031;
    for c in &mut s.corridors {
        c.new = false;
    }
    let mut r = results();
    for t in [
        &mut r.corridors,
        &mut r.routes,
        &mut r.links,
        &mut r.od,
        &mut r.convergence,
    ] {
        t.rows.retain(|row| row.keys[0] == "2031");
    }
    let plan = charts::plan(&s, &r);
    assert_eq!(
        plan.iter()
            .filter(|c| matches!(c.kind, Kind::Map { .. }))
            .count(),
        1
    );
    let files = charts::render_all(&s, &r).expect("charts render");
    assert_eq!(files.len(), 2 * plan.len());
    let page = html::scenario_index(&s, &r, &html::RunFacts::default(), &plan, &[]);
    assert!(page.contains("No corridor is marked"));
}

#[test]
fn colours_follow_the_corridor_index() {
    let s = scenario();
    let c = charts::style::corridor_color(&s, 0);
    assert_eq!(c, charts::style::PALETTE[0]);
    assert_eq!(
        charts::style::corridor_color(&s, 3),
        charts::style::UNSERVED
    );
}

#[test]
fn explicit_colours_win_and_the_palette_skips_them() {
    use plotters::style::RGBColor;
    let mut s = scenario();
    // The second corridor takes the palette's first colour explicitly.
    let first = charts::style::PALETTE[0];
    s.corridors[1].color = Some([first.0, first.1, first.2]);
    s.corridors[2].color = Some([0x12, 0x34, 0x56]);
    assert_eq!(charts::style::corridor_color(&s, 1), first);
    assert_eq!(
        charts::style::corridor_color(&s, 2),
        RGBColor(0x12, 0x34, 0x56)
    );
    // The first corridor has none: it gets the next palette colour, not a repeat.
    assert_eq!(
        charts::style::corridor_color(&s, 0),
        charts::style::PALETTE[1]
    );
    // Twelve corridors without colours never share one.
    let mut many = scenario();
    many.corridors = (0..12)
        .map(|i| Corridor {
            id: format!("c{i}"),
            name: format!("Corridor {i}"),
            new: false,
            color: None,
            constant_usd_per_t: 0.0,
        })
        .collect();
    let colours: BTreeSet<(u8, u8, u8)> = (0..12)
        .map(|i| {
            let c = charts::style::corridor_color(&many, i);
            (c.0, c.1, c.2)
        })
        .collect();
    assert_eq!(colours.len(), 12);
}

#[test]
fn corridors_without_freight_are_left_out_and_counted() {
    let mut s = scenario();
    s.corridors.push(Corridor {
        id: "idle".into(),
        name: "Idle feeder".into(),
        new: false,
        color: None,
        constant_usd_per_t: 0.0,
    });
    let mut r = results();
    for y in YEARS {
        let zero = vec![exact(0.0); CORRIDOR_METRICS.len()];
        r.corridors
            .rows
            .push(row(&[&y.to_string(), "idle", "Idle feeder"], zero));
    }
    for stem in ["corridor_tonnes", "corridor_share"] {
        let chart = charts::plan(&s, &r)
            .into_iter()
            .find(|c| c.stem == stem)
            .expect("chart planned");
        let svg = charts::render_svg(&chart, &s, &r).expect("chart renders");
        assert!(
            !svg.contains("Idle feeder"),
            "{stem} lists the idle corridor"
        );
        assert!(
            svg.contains("1 corridor that carries no freight in any year is not shown."),
            "{stem} does not say it left one out"
        );
    }
}

#[test]
fn a_dominant_corridor_gets_its_own_scale_and_the_share_chart_a_second_panel() {
    let s = scenario();
    let mut r = results();
    // The sea route carries 70% of demand every year.
    let share = r.corridors.metric("share").expect("share");
    let tonnes = r.corridors.metric("tonnes").expect("tonnes");
    for row in &mut r.corridors.rows {
        let f = match row.keys[1].as_str() {
            "sea" => 0.7,
            "east" | "north" => 0.14,
            _ => 0.02,
        };
        row.stats[share] = exact(f);
        row.stats[tonnes] = exact(f * 20e6);
    }
    let plan = charts::plan(&s, &r);
    let svg = |stem: &str| {
        let chart = plan.iter().find(|c| c.stem == stem).expect("chart");
        charts::render_svg(chart, &s, &r).expect("renders")
    };
    assert!(svg("corridor_share").contains("Without Sea route"));
    assert!(svg("corridor_tonnes").contains("drawn above on its own scale"));
}

#[test]
fn disruptions_get_their_chart_and_no_unserved_demand_no_chart() {
    let s = scenario();
    let mut r = results();
    let mut t = table("disruptions", &["year"], &DISRUPTION_METRICS);
    for (y, year) in YEARS.iter().enumerate() {
        let k = 1.0 + y as f64;
        t.rows.push(row(
            &[&year.to_string()],
            vec![
                band(20.0, 8.0),
                band(4.0 * k, 1.5 * k),
                band(2.0 * k, 1.0),
                band(1.5e5 * k, 5e4),
            ],
        ));
    }
    r.disruptions = Some(t);
    let plan = charts::plan(&s, &r);
    let chart = plan
        .iter()
        .find(|c| c.kind == Kind::DisruptionCost)
        .expect("disruption chart planned");
    let svg = charts::render_svg(chart, &s, &r).expect("renders");
    let failure = check_snapshot("disruption_cost.svg", &svg);
    assert!(failure.is_none(), "{}", failure.unwrap_or_default());

    // Without unserved demand in any year, no unserved chart; the page says so.
    let mut r = results();
    let m = r.corridors.metric("tonnes").expect("tonnes");
    for row in r
        .corridors
        .rows
        .iter_mut()
        .filter(|row| row.keys[1] == "unserved")
    {
        row.stats[m] = exact(0.0);
    }
    let plan = charts::plan(&s, &r);
    assert!(plan.iter().all(|c| c.kind != Kind::Unserved));
    let page = html::scenario_index(&s, &r, &html::RunFacts::default(), &plan, &[]);
    assert!(page.contains("No demand was left unserved"));
}

// ---------------------------------------------------------------------------------
// A hand-built comparison: the eastern corridor (new in the policy) takes freight from
// the northern line and a little from the sea route, and serves some demand that was
// unserved; its flows get cheaper and faster.

/// A figure around `mean` that may be negative (`spread` is the 25-75% half width).
fn change(mean: f64, spread: f64) -> Summary {
    Summary {
        mean,
        sd: spread * 1.5,
        p: [
            mean - 2.0 * spread,
            mean - spread,
            mean,
            mean + spread,
            mean + 2.0 * spread,
        ],
        n: 200,
    }
}

fn comparison() -> (Scenario, Scenario, Comparison) {
    let mut base = scenario();
    base.name = "hand-base".into();
    base.title = "Without the eastern corridor".into();
    let mut policy = scenario();
    policy.name = "hand-policy".into();
    policy.title = "The eastern corridor opens in 2030".into();
    let east = [0.0, 0.0, 2.0, 3.5, 4.2];
    let mut corridors = table(
        "corridor_change",
        &["year", "corridor", "corridor_name"],
        &CORRIDOR_CHANGE_METRICS,
    );
    let mut od = table("od_change", &["year", "demand"], &OD_CHANGE_METRICS);
    for (y, year) in YEARS.iter().enumerate() {
        let ys = year.to_string();
        let gain = east[y] * 1e6;
        for (id, name, ch, spread) in [
            ("east", "Eastern corridor (new)", gain, 0.2 * gain),
            ("north", "Northern line", -0.7 * gain, 0.1 * gain),
            ("sea", "Sea route", -0.1 * gain, 0.05 * gain),
            ("unserved", "Unserved demand", -0.2 * gain, 0.05 * gain),
        ] {
            corridors.rows.push(row(
                &[&ys, id, name],
                vec![
                    exact(1e6),
                    exact(1e6 + ch),
                    change(ch, spread),
                    change(ch / 10e6, spread / 10e6),
                    change(ch * 700.0, spread * 700.0),
                ],
            ));
        }
        let open = if east[y] > 0.0 { 1.0 } else { 0.0 };
        for (id, cost, time) in [
            ("port-market", -12.0 * open, -20.0 * open),
            ("capital-market", -4.5 * open, 6.0 * open),
        ] {
            od.rows.push(row(
                &[&ys, id],
                vec![
                    change(cost, 0.2 * cost.abs()),
                    change(time, 0.15 * time.abs()),
                    change(-1e5 * open, 2e4 * open),
                ],
            ));
        }
    }
    let c = Comparison {
        base: results(),
        policy: results(),
        corridors,
        od,
        years: YEARS.to_vec(),
    };
    (base, policy, c)
}

#[test]
fn comparison_charts_match_their_svg_snapshots() {
    let (base, policy, c) = comparison();
    let plan = charts::plan_comparison(&base, &policy, &c);
    let stems: Vec<&str> = plan.iter().map(|ch| ch.stem.as_str()).collect();
    assert_eq!(
        stems,
        ["change_tonnes", "diversion_2032", "flow_change_2032"]
    );
    let mut failures = Vec::new();
    for chart in &plan {
        let svg = charts::render_comparison_svg(chart, &base, &policy, &c).expect("renders");
        if let Some(f) = check_snapshot(&format!("compare_{}.svg", chart.stem), &svg) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The diversion chart says how much of the gain each corridor gave up.
    let svg = charts::render_comparison_svg(&plan[1], &base, &policy, &c).expect("renders");
    assert!(svg.contains("Where the Eastern corridor&apos;s freight comes from, 2032"));
    assert!(svg.contains("-2.94 Mt (70%)"), "no share of the gain");
}

#[test]
fn a_comparison_folder_has_charts_a_page_and_is_listed() {
    let (base, policy, c) = comparison();
    let files = output::render_comparison(&base, &policy, &c, 7).expect("renders");
    let names: BTreeSet<String> = files
        .iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect();
    for f in [
        "corridor_change.csv",
        "od_change.csv",
        "summary.json",
        "index.html",
        "charts/change_tonnes.svg",
        "charts/diversion_2032.png",
        "charts/flow_change_2032.svg",
    ] {
        assert!(names.contains(f), "{f} missing");
    }
    let page = files
        .iter()
        .find(|(p, _)| p == Path::new("index.html"))
        .map(|(_, b)| String::from_utf8(b.clone()).expect("UTF-8"))
        .expect("index.html");
    assert!(page.contains("<h1>hand-base vs hand-policy</h1>"));
    for link in references(&page) {
        if link != "../index.html" {
            assert!(names.contains(&link), "{link} is linked but not rendered");
        }
    }
    assert!(
        page.contains("+4.20"),
        "the 2032 gain is not in the key numbers"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    output::write_folder(&dir.path().join("compare-hand-base-vs-hand-policy"), &files)
        .expect("write");
    let runs = output::find_runs(dir.path()).expect("runs");
    assert_eq!(runs.len(), 1);
    assert!(runs[0].comparison);
    assert_eq!(runs[0].title, "hand-base vs hand-policy");
    assert_eq!(runs[0].horizon, "2028–2032");
    let index = html::runs_index(&runs);
    assert!(index.contains("<h2>Comparisons</h2>"));
    assert!(index.contains("href=\"compare-hand-base-vs-hand-policy/index.html\""));
}

// ---------------------------------------------------------------------------------
// GeoJSON and HTML.

#[test]
fn geojson_has_one_line_per_link_and_one_point_per_node() {
    let (s, r) = (scenario(), results());
    let bytes = geojson::to_bytes(&s, &r);
    let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
    assert_eq!(doc["type"], "FeatureCollection");
    assert!(doc.get("crs").is_none(), "RFC 7946 has no crs member");
    let features = doc["features"].as_array().expect("features");
    let lines: Vec<&serde_json::Value> = features
        .iter()
        .filter(|f| f["geometry"]["type"] == "LineString")
        .collect();
    let points = features
        .iter()
        .filter(|f| f["geometry"]["type"] == "Point")
        .count();
    assert_eq!(lines.len(), s.links.len());
    assert_eq!(points, s.nodes.len());
    // Each link once, from its `from` node to its `to` node, in longitude, latitude.
    let ids: BTreeSet<&str> = lines
        .iter()
        .map(|f| f["properties"]["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids.len(), s.links.len());
    let first = lines[0];
    assert_eq!(first["properties"]["id"], "p-c");
    assert_eq!(first["geometry"]["coordinates"][0][0], 50.0);
    assert_eq!(first["geometry"]["coordinates"][0][1], 41.0);
    assert_eq!(first["properties"]["tonnes_2030"], 4.37e6);
    assert_eq!(first["properties"]["utilization_2030"], 0.364167);
    assert_eq!(first["properties"]["mode"], "rail");
    assert_eq!(first["properties"]["corridor"], "north");
    // A link without a capacity limit has no utilization.
    let sea = lines
        .iter()
        .find(|f| f["properties"]["id"] == "p-m-sea")
        .expect("sea link");
    assert!(sea["properties"]["utilization_2030"].is_null());
    let port = features
        .iter()
        .find(|f| f["properties"]["id"] == "P")
        .expect("port node");
    assert_eq!(port["properties"]["kind"], "port");
    assert_eq!(port["properties"]["name"], "Port Alpha");
    assert_eq!(port["properties"]["country"], "AA");
}

/// Every `href="..."` and `src="..."` of a page.
fn references(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = page;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').expect("closed attribute");
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn every_file_the_page_links_to_is_rendered() {
    let (s, r) = (scenario(), results());
    let files = output::render(&s, &r, 1, 200, &[]).expect("run renders");
    let names: BTreeSet<String> = files
        .iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let page = files
        .iter()
        .find(|(p, _)| p == Path::new("index.html"))
        .map(|(_, b)| String::from_utf8(b.clone()).expect("UTF-8"))
        .expect("index.html");
    let refs = references(&page);
    assert!(refs.len() > 20, "few links: {refs:?}");
    for link in &refs {
        assert!(
            !link.contains("://") && !link.starts_with('/'),
            "not a relative link: {link}"
        );
        if link == "../index.html" {
            // The list of runs, written beside the run folders by `corridor run`.
            continue;
        }
        assert!(names.contains(link), "{link} is linked but not rendered");
    }
    for chart in charts::plan(&s, &r) {
        let svg = chart.svg_path().to_string_lossy().replace('\\', "/");
        assert!(refs.contains(&svg), "{svg} is not on the page");
    }
    for data in ["corridors.csv", "summary.json", "network.geojson"] {
        assert!(refs.iter().any(|l| l == data), "{data} is not linked");
    }
    // Key numbers: the new corridor in 2030 with its 5-95% range, inline CSS, no script.
    assert!(page.contains("<td>2030</td>"));
    assert!(page.contains("2.00 <span class=\"band\">[1.00–3.00]</span>"));
    assert!(page.contains("<style>") && !page.contains("<script"));
}

#[test]
fn the_runs_page_lists_every_run_folder() {
    let (s, r) = (scenario(), results());
    let dir = tempfile::tempdir().expect("temp dir");
    let files = output::render(&s, &r, 1, 200, &[]).expect("run renders");
    output::write_folder(&dir.path().join("hand-built"), &files).expect("write run");
    std::fs::create_dir_all(dir.path().join("not-a-run")).expect("mkdir");
    output::write_runs_index(dir.path()).expect("write index");
    let page = std::fs::read_to_string(dir.path().join("index.html")).expect("index.html");
    assert!(page.contains("href=\"hand-built/index.html\""));
    assert!(page.contains("Hand-built study: an eastern corridor opens in 2030"));
    assert!(page.contains("2028–2032"));
    assert!(!page.contains("not-a-run"));
    let runs = output::find_runs(dir.path()).expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].dir, "hand-built");
    let _ = html::runs_index(&runs);
}
