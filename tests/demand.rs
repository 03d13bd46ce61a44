//! Demand that changes over time and responds to cost, against independent answers:
//! growth schedules against hand compounding, elastic demand against a fixed point
//! found by bisection, the logsum against its hand computation, and elasticity 0
//! against today's tables byte for byte.

mod common;

use common::*;

#[test]
fn a_growth_schedule_gives_the_hand_compounded_demand() {
    // 16% a year into 2025..=2027, 5% into 2028..=2029, then -1%; base year 2024.
    let text = header(2024, 2032, "")
        + &link("r1", "A", "B", "c1", 10.0, "tariff_usd_per_t = 40")
        + &demand(
            1000.0,
            1.0,
            "growth_per_year = [{ until = 2027, rate = 0.16 }, { until = 2029, rate = 0.05 }, { rate = -0.01 }]",
        );
    let r = run(&load_text(&text), 1, 1);
    let mut want = 1000.0;
    for year in 2024..=2032 {
        if year > 2024 {
            want *= 1.0
                + match year {
                    ..=2027 => 0.16,
                    2028..=2029 => 0.05,
                    _ => -0.01,
                };
        }
        let got = value(&r.od, &[&year.to_string(), "AB"], "demand_t");
        // od.csv rounds to 2 decimals above 1000 t; the table keeps the full value.
        assert!((got - want).abs() < 1e-9 * want, "{year}: {got} vs {want}");
    }
}

#[test]
fn each_step_of_a_schedule_is_its_own_uncertain_input() {
    let text = header(2024, 2026, "")
        + &link("r1", "A", "B", "c1", 10.0, "tariff_usd_per_t = 40")
        + &demand(
            1000.0,
            1.0,
            "growth_per_year = [{ until = 2025, rate = { dist = \"uniform\", min = 0.0, max = 0.2 } }, { rate = { dist = \"uniform\", min = 0.0, max = 0.1 } }]",
        );
    let s = load_text(&text);
    assert_eq!(
        s.draw_keys,
        [
            "demand.AB.growth_per_year[0].rate",
            "demand.AB.growth_per_year[1].rate"
        ]
    );
    // Demand in 2026 lies within the product of the two ranges in every replication.
    let r = run(&s, 20, 1);
    let st = stat(&r.od, &["2026", "AB"], "demand_t");
    assert!(st.p[0] >= 1000.0 && st.p[4] <= 1000.0 * 1.2 * 1.1, "{st:?}");
    assert!(st.sd > 0.0);
}

/// One rail link A-B: 40 USD/t, 10 h free-flow, 1000 t/yr capacity, BPR alpha 1 beta 2;
/// 1000 t in 2024 growing 50% into 2025; value of time 2 USD/t-h.
fn one_route(model: &str, elasticity: &str) -> String {
    header(
        2024,
        2025,
        &format!("model = \"{model}\"\nk_routes = 1\ntolerance = 1e-10\nmax_iterations = 1000"),
    ) + &link(
        "r1",
        "A",
        "B",
        "c1",
        10.0,
        "tariff_usd_per_t = 40\ncapacity_tpy = 1000\nbpr_alpha = 1.0\nbpr_beta = 2.0",
    ) + &demand(1000.0, 2.0, &format!("growth_per_year = 0.5\n{elasticity}"))
}

/// The route's cost at `d` tonnes: 40 + 2 x 10 (1 + (d / 1000)^2).
fn one_route_cost(d: f64) -> f64 {
    40.0 + 2.0 * 10.0 * (1.0 + (d / 1000.0).powi(2))
}

#[test]
fn elastic_demand_on_one_congested_route_is_the_fixed_point_found_by_bisection() {
    for model in ["deterministic", "logit"] {
        let r = run(&load_text(&one_route(model, "elasticity = -0.8")), 1, 1);
        // The base year is the pivot: its own cost, fixed tonnes, nothing induced.
        let c_ref = one_route_cost(1000.0);
        assert!((value(&r.od, &["2024", "AB"], "cost_usd_per_t") - c_ref).abs() < 1e-9);
        assert!((value(&r.od, &["2024", "AB"], "reference_cost_usd_per_t") - c_ref).abs() < 1e-9);
        assert_eq!(value(&r.od, &["2024", "AB"], "induced_t"), 0.0);
        // 2025: 1500 t would cost more, so fewer tonnes come: D = 1500 (C(D) / C_ref)^-0.8.
        let want = bisect(0.0, 1500.0, |d| {
            1500.0 * (one_route_cost(d) / c_ref).powf(-0.8) - d
        });
        let got = value(&r.od, &["2025", "AB"], "demand_t");
        assert!((got - want).abs() < 1e-4, "{model}: {got} vs {want}");
        assert!(want < 1400.0, "the test must bite: {want}");
        let induced = value(&r.od, &["2025", "AB"], "induced_t");
        assert!((induced - (want - 1500.0)).abs() < 1e-4, "{induced}");
        assert_eq!(value(&r.od, &["2025", "AB"], "fixed_demand_t"), 1500.0);
        // The composite cost of a single route is its cost (logsum with path size 1).
        let c = value(&r.od, &["2025", "AB"], "composite_cost_usd_per_t");
        assert!((c - one_route_cost(want)).abs() < 1e-6, "{c}");
        assert_eq!(value(&r.convergence, &["2025"], "converged"), 1.0);
    }
}

/// Bisection on a decreasing function: its root in [lo, hi].
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
fn elasticity_zero_reproduces_the_tables_byte_for_byte() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/caucasus-demo.toml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let explicit = text.replace("[[demand]]\n", "[[demand]]\nelasticity = 0\n");
    assert!(explicit.matches("elasticity = 0").count() >= 3);
    let plain = load_text(&text);
    let zero = load_text(&explicit);
    assert!(!zero.has_elastic_demand());
    let (a, b) = (run(&plain, 12, 2), run(&zero, 12, 1));
    for (ta, tb) in a.tables().into_iter().zip(b.tables()) {
        assert_eq!(
            corridor_sim::output::csv::to_csv(ta),
            corridor_sim::output::csv::to_csv(tb),
            "{}",
            ta.name
        );
    }
    assert_eq!(
        a.od.metrics.len(),
        corridor_sim::figures::DEMAND_METRICS.len()
    );
}

#[test]
fn the_recorded_composite_cost_is_the_hand_logsum_on_two_routes() {
    // c1 = 40 + 2 x 10 h = 60 and c2 = 30 + 2 x 25 h = 80, no congestion, theta 0.05.
    let text = |model: &str| {
        header(
            2025,
            2025,
            &format!(
                "model = \"{model}\"\nlogit_scale_per_usd = 0.05\nk_routes = 2\nmax_detour = 10"
            ),
        ) + &link("r1", "A", "B", "c1", 10.0, "tariff_usd_per_t = 40")
            + &link("r2", "A", "B", "c2", 25.0, "tariff_usd_per_t = 30")
            + &demand(1000.0, 2.0, "")
    };
    let s = load_text(&text("logit"));
    let years = corridor_sim::simulate::Engine::new(&s).run(None);
    let got = years[0].induced[0][corridor_sim::demand::INDUCED_COMPOSITE];
    let want = -(((-0.05_f64 * 60.0).exp() + (-0.05_f64 * 80.0).exp()).ln()) / 0.05;
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    assert!((want - (60.0 - 20.0 * (1.0 + (-1.0_f64).exp()).ln())).abs() < 1e-9);
    // Fixed demand: nothing induced, no reference.
    assert_eq!(years[0].induced[0][0], 1000.0);
    assert_eq!(years[0].induced[0][1], 0.0);
    assert!(years[0].induced[0][3].is_nan());
    // The deterministic model's composite cost is the cheapest route.
    let s = load_text(&text("deterministic"));
    let years = corridor_sim::simulate::Engine::new(&s).run(None);
    assert!((years[0].induced[0][corridor_sim::demand::INDUCED_COMPOSITE] - 60.0).abs() < 1e-9);
}

#[test]
fn with_the_base_scenarios_costs_as_reference_only_a_change_in_cost_induces_trade() {
    use corridor_sim::demand::ReferenceCosts;
    use corridor_sim::simulate::Engine;
    // The base: fixed demand on the congested route. Its composite costs per year are
    // the reference of the elastic runs.
    let base = load_text(&one_route("deterministic", ""));
    let base_years = Engine::new(&base).run(None);
    let reference = ReferenceCosts::from_figures(&base, &base_years);
    assert_eq!(reference.get("AB", 2025), Some(one_route_cost(1500.0)));
    // A policy that changes nothing: the tonnes are the fixed ones, exactly.
    let same = load_text(&one_route("deterministic", "elasticity = -0.8"));
    for yf in Engine::new(&same).run_with(None, Some(&reference)) {
        assert_eq!(yf.induced[0][1], 0.0);
    }
    // A tariff cut from 40 to 30 USD/t: each year's tonnes solve
    // D = D_fixed (C_policy(D) / C_base(D_fixed))^-0.8.
    let cut = load_text(
        &one_route("deterministic", "elasticity = -0.8")
            .replace("tariff_usd_per_t = 40", "tariff_usd_per_t = 30"),
    );
    let years = Engine::new(&cut).run_with(None, Some(&reference));
    for (yf, fixed) in years.iter().zip([1000.0, 1500.0]) {
        let c_base = one_route_cost(fixed);
        let want = bisect(0.0, 3.0 * fixed, |d| {
            fixed * ((one_route_cost(d) - 10.0) / c_base).powf(-0.8) - d
        });
        let got = yf.demand[0][0];
        assert!((got - want).abs() < 1e-4, "{got} vs {want}");
        assert!((yf.induced[0][1] - (want - fixed)).abs() < 1e-4);
        assert!(want > fixed + 10.0, "the cut must induce trade: {want}");
        assert_eq!(yf.induced[0][3], c_base);
    }
}
