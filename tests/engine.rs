//! The model against independent answers: closed forms, hand computations,
//! conservation laws, and dated changes.

mod common;

use common::*;

/// Bisection on a monotone decreasing function: the root of f in [lo, hi].
fn bisect(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[test]
fn logit_shares_on_two_parallel_routes_match_the_closed_form() {
    // No congestion: route costs are fixed. c1 = 40 + 2 x 10 h = 60, c2 = 30 + 2 x 25 h = 80.
    let text = header(
        2025,
        2025,
        "logit_scale_per_usd = 0.05\nk_routes = 2\nmax_detour = 10",
    ) + &link("r1", "A", "B", "c1", 10.0, "tariff_usd_per_t = 40")
        + &link("r2", "A", "B", "c2", 25.0, "tariff_usd_per_t = 30")
        + &demand(1000.0, 2.0, "");
    let s = load_text(&text);
    let r = run(&s, 1, 1);
    let p1 = 1.0 / (1.0 + (-0.05_f64 * (80.0 - 60.0)).exp());
    let got = value(&r.corridors, &["2025", "c1"], "tonnes");
    assert!((got - 1000.0 * p1).abs() < 1e-6, "{got} vs {}", 1000.0 * p1);
    assert!((value(&r.corridors, &["2025", "c1"], "cost_usd_per_t") - 60.0).abs() < 1e-9);
    assert!((value(&r.corridors, &["2025", "c2"], "transit_time_h") - 25.0).abs() < 1e-9);
}

#[test]
fn path_size_logit_does_not_double_count_overlapping_routes() {
    // Routes A-M-B via x (attributed to c1), A-M-B via y (c2), both sharing A-M, and
    // the direct A-B (c3), all costing the same. Path sizes by length: 0.5/2 + 0.5/1 = 0.75, 0.75 and 1, so the shares are
    // 0.75/2.5, 0.75/2.5 and 1/2.5 = 0.3, 0.3, 0.4. Plain logit would give 1/3 each.
    let net = |ps: bool| {
        header(
            2025,
            2025,
            &format!("k_routes = 3\nmax_detour = 2\npath_size = {ps}"),
        ) + &link(
            "am",
            "A",
            "M",
            "c3",
            0.0,
            "tariff_usd_per_t = 50\nlength_km = 50",
        )
        .replace("length_km = 100\n", "")
            + &link(
                "mbx",
                "M",
                "B",
                "c1",
                0.0,
                "tariff_usd_per_t = 50\nlength_km = 50",
            )
            .replace("length_km = 100\n", "")
            + &link(
                "mby",
                "M",
                "B",
                "c2",
                0.0,
                "tariff_usd_per_t = 50\nlength_km = 50",
            )
            .replace("length_km = 100\n", "")
            + &link("ab", "A", "B", "c3", 0.0, "tariff_usd_per_t = 100")
            + &demand(1000.0, 1.0, "")
    };
    let r = run(&load_text(&net(true)), 1, 1);
    let share = |c: &str| value(&r.corridors, &["2025", c], "share");
    assert!((share("c1") - 0.3).abs() < 1e-9, "{}", share("c1"));
    assert!((share("c2") - 0.3).abs() < 1e-9);
    assert!((share("c3") - 0.4).abs() < 1e-9);
    let r = run(&load_text(&net(false)), 1, 1);
    let share = |c: &str| value(&r.corridors, &["2025", c], "share");
    assert!((share("c3") - 1.0 / 3.0).abs() < 1e-9);
}

fn two_link(model: &str, beta: f64, demand_t: f64) -> String {
    header(
        2025,
        2025,
        &format!(
            "model = \"{model}\"\nk_routes = 2\nmax_detour = 100\ntolerance = 1e-10\nmax_iterations = 5000\nlogit_scale_per_usd = 0.5"
        ),
    ) + &link(
        "r1",
        "A",
        "B",
        "c1",
        10.0,
        &format!("capacity_tpy = 1000\nbpr_alpha = 0.15\nbpr_beta = {beta}"),
    ) + &link(
        "r2",
        "A",
        "B",
        "c2",
        15.0,
        &format!("capacity_tpy = 2000\nbpr_alpha = 0.15\nbpr_beta = {beta}"),
    ) + &demand(demand_t, 1.0, "")
}

#[test]
fn wardrop_equilibrium_on_two_links_with_linear_bpr_is_the_closed_form() {
    // t1 = 10 + 0.0015 x, t2 = 15 + 0.001125 (6000 - x): equal times at x = 11.75 / 0.002625.
    let r = run(&load_text(&two_link("deterministic", 1.0, 6000.0)), 1, 1);
    let x = 11.75 / 0.002625;
    let got = value(&r.corridors, &["2025", "c1"], "tonnes");
    assert!((got - x).abs() < 1e-3, "{got} vs {x}");
    let t = 10.0 + 0.0015 * x;
    assert!((value(&r.corridors, &["2025", "c2"], "transit_time_h") - t).abs() < 1e-6);
    assert!(value(&r.convergence, &["2025"], "gap") < 1e-10);
    assert_eq!(value(&r.convergence, &["2025"], "converged"), 1.0);
}

#[test]
fn wardrop_equilibrium_with_bpr_power_four_matches_bisection() {
    let t1 = |x: f64| 10.0 * (1.0 + 0.15 * (x / 1000.0).powi(4));
    let t2 = |y: f64| 15.0 * (1.0 + 0.15 * (y / 2000.0).powi(4));
    let x = bisect(0.0, 3000.0, |x| t2(3000.0 - x) - t1(x));
    let r = run(&load_text(&two_link("deterministic", 4.0, 3000.0)), 1, 1);
    let got = value(&r.corridors, &["2025", "c1"], "tonnes");
    assert!((got - x).abs() < 1e-3, "{got} vs {x}");
    let cost = value(&r.corridors, &["2025", "c1"], "cost_usd_per_t");
    assert!((cost - t1(x)).abs() < 1e-6);
}

#[test]
fn logit_equilibrium_on_two_links_matches_the_fixed_point() {
    // x = D / (1 + exp(-theta (c2(D - x) - c1(x)))) with theta = 0.5 per USD, VOT 1.
    let (d, theta) = (3000.0, 0.5);
    let t1 = |x: f64| 10.0 * (1.0 + 0.15 * (x / 1000.0).powi(4));
    let t2 = |y: f64| 15.0 * (1.0 + 0.15 * (y / 2000.0).powi(4));
    let x = bisect(0.0, d, |x| {
        d / (1.0 + (-theta * (t2(d - x) - t1(x))).exp()) - x
    });
    let r = run(&load_text(&two_link("logit", 4.0, d)), 1, 1);
    let got = value(&r.corridors, &["2025", "c1"], "tonnes");
    assert!((got - x).abs() < 0.05, "{got} vs {x}");
    assert_eq!(value(&r.convergence, &["2025"], "converged"), 1.0);
}

#[test]
fn tonnes_are_conserved_for_every_pair_and_year() {
    // Two flows; the only link to C closes in 2027, so C's freight goes unserved then.
    let mut text = header(2025, 2029, "k_routes = 3")
        + &link("r1", "A", "B", "c1", 10.0, "capacity_tpy = 500")
        + &link("r2", "A", "M", "c2", 5.0, "")
        + &link("r3", "M", "B", "c2", 6.0, "")
        + &demand(1000.0, 1.0, "growth_per_year = 0.1");
    text += r#"
[[nodes]]
id = "C"
lat = 40.5
lon = 45.5

[[links]]
id = "bc"
from = "B"
to = "C"
mode = "road"
length_km = 60
speed_kmh = 50
corridor = "c3"
open_until = 2026

[[demand]]
id = "AC"
origin = "A"
destination = "C"
tonnes_per_year = 300
value_of_time_usd_per_t_h = 1
"#;
    let r = run(&load_text(&text), 1, 1);
    for row in &r.od.rows {
        let get = |m: &str| row.stats[r.od.metric(m).unwrap()].mean;
        let (d, served, unserved) = (get("demand_t"), get("served_t"), get("unserved_t"));
        assert!((served + unserved - d).abs() < 1e-6 * d.max(1.0), "{row:?}");
    }
    assert_eq!(value(&r.od, &["2026", "AC"], "unserved_t"), 0.0);
    assert_eq!(value(&r.od, &["2027", "AC"], "unserved_t"), 300.0);
    let ab_2029 = 1000.0 * 1.1_f64.powi(4);
    assert!((value(&r.od, &["2029", "AB"], "demand_t") - ab_2029).abs() < 1e-6);
    // The corridor table partitions all demand: corridors + unserved = total.
    for year in 2025..=2029 {
        let y = year.to_string();
        let total: f64 = ["c1", "c2", "c3", "unserved"]
            .iter()
            .map(|c| value(&r.corridors, &[&y, c], "tonnes"))
            .sum();
        let demand: f64 = ["AB", "AC"]
            .iter()
            .map(|d| value(&r.od, &[&y, d], "demand_t"))
            .sum();
        assert!((total - demand).abs() < 1e-6 * demand);
    }
}

#[test]
fn a_link_opening_in_a_year_changes_flows_from_that_year_on() {
    let text = header(2025, 2030, "k_routes = 2\nmax_detour = 3")
        + &link("old", "A", "B", "c1", 30.0, "")
        + &link("new", "A", "B", "c2", 10.0, "open_from = 2028")
        + &demand(1000.0, 1.0, "");
    let r = run(&load_text(&text), 1, 1);
    for year in 2025..=2027 {
        assert_eq!(
            value(&r.corridors, &[&year.to_string(), "c2"], "tonnes"),
            0.0
        );
        assert_eq!(value(&r.links, &[&year.to_string(), "new"], "open"), 0.0);
        assert_eq!(
            value(&r.corridors, &[&year.to_string(), "c1"], "tonnes"),
            1000.0
        );
    }
    for year in 2028..=2030 {
        assert!(value(&r.corridors, &[&year.to_string(), "c2"], "tonnes") > 600.0);
        assert_eq!(value(&r.links, &[&year.to_string(), "new"], "open"), 1.0);
    }
}

#[test]
fn events_change_capacity_and_tariff_from_their_year() {
    let text = header(2025, 2027, "k_routes = 2\nmax_detour = 3")
        + &link("a", "A", "B", "c1", 10.0, "tariff_usd_per_t = 20")
        + &link("b", "A", "B", "c2", 10.0, "tariff_usd_per_t = 20")
        + &demand(1000.0, 1.0, "")
        + "\n[[events]]\nyear = 2026\nlink = \"b\"\ntariff_usd_per_t = 40\n"
        + "\n[[events]]\nyear = 2027\nlink = \"a\"\naction = \"close\"\n";
    let r = run(&load_text(&text), 1, 1);
    assert!((value(&r.corridors, &["2025", "c1"], "share") - 0.5).abs() < 1e-9);
    let p = 1.0 / (1.0 + (-0.05_f64 * 20.0).exp());
    assert!((value(&r.corridors, &["2026", "c1"], "share") - p).abs() < 1e-9);
    assert_eq!(value(&r.corridors, &["2027", "c2"], "share"), 1.0);
}

#[test]
fn border_transfer_and_gauge_costs_are_charged_where_routes_pass() {
    // A -rail 1520- M -rail 1435- B, M a border with 5 h and 7 USD/t and a gauge change of
    // 3 h and 11 USD/t: cost = 2 x 10 h x VOT 1 + 5 + 7 + 3 + 11 = 46, time = 28 h.
    let text = header(2025, 2025, "k_routes = 1")
        .replace(
            "id = \"M\"\nlat = 40.0",
            "id = \"M\"\nkind = \"border\"\nborder_dwell_h = 5\nborder_fee_usd_per_t = 7\ngauge_change_h = 3\ngauge_change_usd_per_t = 11\nlat = 40.0",
        )
        + &link("am", "A", "M", "c1", 10.0, "gauge_mm = 1520")
        + &link("mb", "M", "B", "c1", 10.0, "gauge_mm = 1435")
        + &demand(100.0, 1.0, "");
    let r = run(&load_text(&text), 1, 1);
    assert!((value(&r.corridors, &["2025", "c1"], "cost_usd_per_t") - 46.0).abs() < 1e-9);
    assert!((value(&r.corridors, &["2025", "c1"], "transit_time_h") - 28.0).abs() < 1e-9);
}

#[test]
fn yen_finds_the_k_cheapest_loopless_routes_in_order() {
    // Three ways from A to B: direct (cost 30), via M (10 + 12 = 22) and a parallel
    // direct link (cost 50). k = 2 keeps the two cheapest; max_detour cuts the third.
    let base = |k: usize, detour: f64| {
        header(
            2025,
            2025,
            &format!("k_routes = {k}\nmax_detour = {detour}"),
        ) + &link("d1", "A", "B", "c1", 30.0, "")
            + &link("am", "A", "M", "c2", 10.0, "")
            + &link("mb", "M", "B", "c2", 12.0, "")
            + &link("d2", "A", "B", "c3", 50.0, "")
            + &demand(100.0, 1.0, "")
    };
    let r = run(&load_text(&base(2, 10.0)), 1, 1);
    let routes: Vec<&str> = r
        .routes
        .rows
        .iter()
        .map(|row| row.keys[5].as_str())
        .collect();
    assert_eq!(routes, vec!["am>mb", "d1"]);
    let r = run(&load_text(&base(5, 2.0)), 1, 1);
    assert_eq!(
        r.routes.rows.len(),
        2,
        "50 > 2 x 22 is beyond the detour limit"
    );
    let r = run(&load_text(&base(5, 3.0)), 1, 1);
    assert_eq!(r.routes.rows.len(), 3);
}

#[test]
fn a_scenario_extends_its_base_changing_only_what_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    let base = header(2025, 2026, "k_routes = 2\nmax_detour = 10")
        + &link("a", "A", "B", "c1", 10.0, "tariff_usd_per_t = 20")
        + &link("b", "A", "B", "c2", 10.0, "tariff_usd_per_t = 20")
        + &demand(1000.0, 1.0, "");
    std::fs::write(dir.path().join("base.toml"), base).unwrap();
    let child = "[scenario]\nbase = \"base.toml\"\nname = \"child\"\n\n[[links]]\nid = \"b\"\ntariff_usd_per_t = 40\n";
    std::fs::write(dir.path().join("child.toml"), child).unwrap();
    let s = load(&dir.path().join("child.toml"));
    assert_eq!(s.name, "child");
    assert_eq!(s.links.len(), 2);
    assert_eq!(s.links[1].tariff_usd_per_t.nominal(), 40.0);
    assert_eq!(
        s.links[1].length_km.nominal(),
        100.0,
        "unchanged keys come from the base"
    );
    assert_eq!(s.first_year, 2025);
}
