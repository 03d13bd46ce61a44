//! Monte Carlo replications: reproducibility across thread counts, percentiles against
//! analytic quantiles, disruption frequencies and their effects.

mod common;

use common::*;
use corridor_sim::distributions::{Z90, normal_quantile};

fn rendered(
    s: &corridor_sim::model::Scenario,
    reps: u64,
    threads: usize,
) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let r = run(s, reps, threads);
    corridor_sim::output::render(s, &r, s.seed, reps, &[])
}

/// A two-route scenario with uncertain growth, tariffs, opening year and a disruption.
fn stochastic_scenario() -> String {
    header(2025, 2034, "k_routes = 2\nmax_detour = 5")
        + &link(
            "a",
            "A",
            "B",
            "c1",
            10.0,
            "capacity_tpy = 1500\ntariff_usd_per_t = { dist = \"triangular\", min = 10, mode = 20, max = 40 }",
        )
        + &link(
            "b",
            "A",
            "B",
            "c2",
            8.0,
            "capacity_tpy = 800\nopen_from = { dist = \"discrete\", values = [2027, 2029, 2031], probs = [0.3, 0.5, 0.2] }",
        )
        + &demand(
            1000.0,
            1.5,
            "growth_per_year = { dist = \"lognormal\", median = 0.04, p90 = 0.07 }",
        )
        + r#"
[[disruptions]]
id = "storm"
links = ["a"]
annual_probability = 0.3
duration_days = { dist = "pert", min = 5, mode = 20, max = 60 }
capacity_loss = 0.6
added_dwell_h = 12
"#
}

#[test]
fn one_two_and_eight_threads_give_byte_identical_tables() {
    let s = load_text(&stochastic_scenario());
    let one = rendered(&s, 300, 1);
    assert_eq!(one, rendered(&s, 300, 2));
    assert_eq!(one, rendered(&s, 300, 8));
    // And a second run on the same thread count.
    assert_eq!(one, rendered(&s, 300, 1));
}

#[test]
fn percentiles_of_tonnes_match_analytic_quantiles_of_lognormal_growth() {
    // One route, demand D0 (1 + g)^t with g lognormal (median 4%, p90 7%): tonnes are
    // monotone in g, so the p-quantile of tonnes is D0 (1 + q_g(p))^t. With n draws the
    // sample p-quantile lies, with overwhelming probability, between the analytic
    // quantiles at p +/- 4 sqrt(p (1 - p) / n).
    let text = header(2025, 2035, "k_routes = 1")
        + &link("a", "A", "B", "c1", 10.0, "")
        + &demand(
            1000.0,
            1.0,
            "growth_per_year = { dist = \"lognormal\", median = 0.04, p90 = 0.07 }",
        );
    let s = load_text(&text);
    let n = 4000;
    let r = run(&s, n, 2);
    let (mu, sigma) = (0.04_f64.ln(), (0.07_f64 / 0.04).ln() / Z90);
    let tonnes = |p: f64| 1000.0 * (1.0 + (mu + sigma * normal_quantile(p)).exp()).powi(10);
    let st = stat(&r.corridors, &["2035", "c1"], "tonnes");
    for (got, p) in st.p.iter().zip([0.05, 0.25, 0.5, 0.75, 0.95]) {
        let e = 4.0 * (p * (1.0 - p) / n as f64).sqrt();
        let (lo, hi) = (tonnes(p - e), tonnes(p + e));
        assert!(lo <= *got && *got <= hi, "p{p}: {got} outside [{lo}, {hi}]");
    }
    // The mean against E[(1+g)^10] by quadrature over the normal quantiles.
    let m: f64 = (0..20_000)
        .map(|i| tonnes((i as f64 + 0.5) / 20_000.0))
        .sum::<f64>()
        / 20_000.0;
    assert!(
        (st.mean - m).abs() < 4.0 * st.sd / (n as f64).sqrt(),
        "{} vs {m}",
        st.mean
    );
}

#[test]
fn a_disruption_strikes_a_share_of_years_within_a_binomial_interval() {
    // Fixed 10-day events with p = 0.25: the mean disrupted days per year over all
    // replication-years, divided by 10, estimates p from N = reps x years trials.
    let text = header(2025, 2044, "k_routes = 1")
        + &link("a", "A", "B", "c1", 10.0, "")
        + &demand(1000.0, 1.0, "")
        + "\n[[disruptions]]\nid = \"x\"\nlinks = [\"a\"]\nannual_probability = 0.25\nduration_days = 10\ncapacity_loss = 1.0\n";
    let s = load_text(&text);
    let reps = 500;
    let r = run(&s, reps, 2);
    let t = r.disruptions.as_ref().expect("a disruptions table");
    let days: f64 = t.rows.iter().map(|row| row.stats[0].mean).sum::<f64>() / t.rows.len() as f64;
    let share = days / 10.0;
    let n = (reps * 20) as f64;
    let half_width = 3.29 * (0.25 * 0.75 / n).sqrt(); // 99.9% normal interval
    assert!((share - 0.25).abs() < half_width, "{share}");
}

#[test]
fn closing_the_only_route_leaves_its_tonnes_unserved_for_the_closed_part_of_the_year() {
    let text = header(2025, 2027, "k_routes = 1")
        + &link("a", "A", "B", "c1", 10.0, "")
        + &demand(3650.0, 1.0, "")
        + "\n[[disruptions]]\nid = \"x\"\nlinks = [\"a\"]\nannual_probability = 1.0\nduration_days = 73\n";
    let s = load_text(&text);
    let r = run(&s, 3, 1);
    for y in ["2025", "2026", "2027"] {
        // 73 of 365 days closed: a fifth of the year's 3,650 t.
        assert!((value(&r.od, &[y, "AB"], "unserved_t") - 730.0).abs() < 1e-6);
        assert!((value(&r.corridors, &[y, "c1"], "tonnes") - 2920.0).abs() < 1e-6);
        assert!((value(&r.corridors, &[y, "unserved"], "tonnes") - 730.0).abs() < 1e-6);
        assert!(
            (value(r.disruptions.as_ref().unwrap(), &[y], "disrupted_days") - 73.0).abs() < 1e-9
        );
    }
}

#[test]
fn closing_one_of_two_routes_moves_its_tonnes_to_the_other() {
    let base = header(2025, 2025, "k_routes = 2\nmax_detour = 5")
        + &link("a", "A", "B", "c1", 10.0, "")
        + &link("b", "A", "B", "c2", 14.0, "")
        + &demand(1000.0, 1.0, "");
    let closed = base.clone()
        + "\n[[disruptions]]\nid = \"x\"\nlinks = [\"a\"]\nannual_probability = 1.0\nduration_days = 365\n";
    let open = run(&load_text(&base), 1, 1);
    let shut = run(&load_text(&closed), 2, 1);
    assert!(value(&open.corridors, &["2025", "c1"], "tonnes") > 500.0);
    assert!(value(&shut.corridors, &["2025", "c1"], "tonnes").abs() < 1e-9);
    assert!((value(&shut.corridors, &["2025", "c2"], "tonnes") - 1000.0).abs() < 1e-6);
    assert_eq!(value(&shut.od, &["2025", "AB"], "unserved_t"), 0.0);
    // Added cost: everyone pays route b's 4 extra hours at 1 USD/t/h: 4,000 USD.
    let added = value(
        shut.disruptions.as_ref().unwrap(),
        &["2025"],
        "added_cost_musd",
    );
    let shares_a = value(&open.corridors, &["2025", "c1"], "tonnes");
    assert!((added * 1e6 - 4.0 * shares_a).abs() < 1.0, "{added}");
}

#[test]
fn shared_draws_move_together() {
    // Two tariffs sharing one draw are equal in every replication.
    let text = header(2025, 2025, "k_routes = 2\nmax_detour = 50")
        + &link(
            "a",
            "A",
            "B",
            "c1",
            10.0,
            "tariff_usd_per_t = { dist = \"uniform\", min = 10, max = 50, share = \"t\" }",
        )
        + &link(
            "b",
            "A",
            "B",
            "c2",
            10.0,
            "tariff_usd_per_t = { dist = \"uniform\", min = 10, max = 50, share = \"t\" }",
        )
        + &demand(1000.0, 1.0, "");
    let s = load_text(&text);
    assert_eq!(s.n_draws, 1);
    let r = run(&s, 50, 1);
    let st = stat(&r.corridors, &["2025", "c1"], "share");
    assert!((st.p[0] - 0.5).abs() < 1e-9 && (st.p[4] - 0.5).abs() < 1e-9);
}

#[test]
fn replication_streams_depend_only_on_seed_and_index() {
    let a = corridor_sim::runner::uniforms(7, 3, 5);
    assert_eq!(a, corridor_sim::runner::uniforms(7, 3, 5));
    assert_ne!(a, corridor_sim::runner::uniforms(7, 4, 5));
    assert_ne!(a, corridor_sim::runner::uniforms(8, 3, 5));
    assert!(a.iter().all(|u| (0.0..1.0).contains(u)));
}
