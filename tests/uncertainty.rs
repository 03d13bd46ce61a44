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
    r.tables()
        .iter()
        .map(|t| (t.name.into(), corridor_sim::output::csv::to_csv(t)))
        .collect()
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
fn replication_draws_depend_on_seed_index_and_name_only() {
    let s = load_text(&stochastic_scenario());
    let u = |seed, rep| corridor_sim::runner::uniforms(&s, seed, rep);
    let a = u(7, 3);
    assert_eq!(a.len(), s.n_uniforms());
    assert_eq!(a, u(7, 3));
    assert_ne!(a, u(7, 4));
    assert_ne!(a, u(8, 3));
    assert!(a.iter().all(|x| (0.0..1.0).contains(x)));
}

#[test]
fn scenarios_sharing_an_input_share_its_draws() {
    // The policy adds a random tariff on a new link before the demand: the demand's
    // growth draw must not move (common random numbers across scenarios).
    let base = load_text(&stochastic_scenario());
    let policy = load_text(
        &(stochastic_scenario()
            + &link(
                "c",
                "A",
                "B",
                "c3",
                9.0,
                "tariff_usd_per_t = { dist = \"uniform\", min = 1, max = 9 }",
            )),
    );
    let growth = |s: &corridor_sim::model::Scenario| {
        let slot = s
            .draw_keys
            .iter()
            .position(|k| k == "demand.AB.growth_per_year")
            .unwrap();
        corridor_sim::runner::uniforms(s, 11, 5)[slot]
    };
    assert_eq!(growth(&base), growth(&policy));
    assert_eq!(policy.n_draws, base.n_draws + 1);
}

#[test]
fn a_comparison_pairs_replications_and_its_changes_conserve_tonnes() {
    // The policy opens a third, faster route: its gain is exactly what the others lose
    // in every replication (same demand draws), so the changes sum to zero with no band.
    let base = load_text(&stochastic_scenario());
    let policy =
        load_text(&(stochastic_scenario() + &link("c", "A", "B", "c3", 6.0, "capacity_tpy = 600")));
    let opts = corridor_sim::runner::RunOptions {
        replications: Some(64),
        seed: Some(5),
        threads: Some(2),
        exact_values: None,
    };
    let c = corridor_sim::compare::compare(&base, &policy, &opts, &mut |_, _| {}).unwrap();
    let t = &c.corridors;
    let m = t.metric("tonnes_change").unwrap();
    for year in c.years.iter().map(|y| y.to_string()) {
        let rows: Vec<_> = t.rows.iter().filter(|r| r.keys[0] == year).collect();
        let sum: f64 = rows.iter().map(|r| r.stats[m].mean).sum();
        assert!(sum.abs() < 1e-6, "{year}: {sum}");
        let gain = rows.iter().find(|r| r.keys[1] == "c3").unwrap().stats[m];
        assert!(gain.p[0] > 0.0, "the new route always gains in {year}");
    }
    // Paired: with identical inputs, base and policy runs of a shared scenario match.
    let same = corridor_sim::compare::compare(&base, &base, &opts, &mut |_, _| {}).unwrap();
    for row in &same.corridors.rows {
        assert_eq!(row.stats[m].p[0], 0.0);
        assert_eq!(row.stats[m].p[4], 0.0);
    }
    let cost = same.od.metric("cost_change_usd_per_t").unwrap();
    assert!(same.od.rows.iter().all(|r| r.stats[cost].mean == 0.0));
}

#[test]
fn sketched_percentiles_are_thread_independent_and_close_to_exact() {
    let s = load_text(&stochastic_scenario());
    let go = |threads, budget| {
        let opts = corridor_sim::runner::RunOptions {
            replications: Some(600),
            seed: None,
            threads: Some(threads),
            exact_values: budget,
        };
        corridor_sim::runner::run(&s, &opts, &mut |_, _| {}).unwrap()
    };
    let tables = |r: &corridor_sim::results::Results| -> Vec<Vec<u8>> {
        r.tables()
            .iter()
            .map(|t| corridor_sim::output::csv::to_csv(t))
            .collect()
    };
    // A budget of 2,000 values forces sketches after the first chunk.
    let one = go(1, Some(2_000));
    assert!(one.sketched);
    assert_eq!(tables(&one), tables(&go(2, Some(2_000))));
    assert_eq!(tables(&one), tables(&go(8, Some(2_000))));
    let exact = go(2, None);
    assert!(!exact.sketched);
    let (a, b) = (
        stat(&one.corridors, &["2034", "c1"], "tonnes"),
        stat(&exact.corridors, &["2034", "c1"], "tonnes"),
    );
    assert!((a.mean - b.mean).abs() < 1e-9 * b.mean.abs());
    for (x, y) in a.p.iter().zip(b.p) {
        assert!((x - y).abs() <= 0.0051 * y.abs() + 1e-9, "{x} vs {y}");
    }
}

/// With a demand no draw reaches, a route's share is summarised from its tonnes (each
/// share is tonnes over the same demand); the summary must be the one its shares, as
/// the engine recorded them replication by replication, give.
#[test]
fn route_shares_of_a_fixed_demand_summarise_the_recorded_shares() {
    use corridor_sim::runner::{RunOptions, collect_range};
    use corridor_sim::stats::Summary;
    use std::collections::BTreeMap;

    let s =
        load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tripp-opens.toml"));
    assert!(s.demand.iter().all(|d| !d.tonnes_per_year.is_random()));
    let reps = 40;
    let opts = RunOptions {
        replications: Some(reps),
        seed: Some(7),
        threads: Some(2),
        exact_values: None,
    };
    let mut recorded: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
    let (collector, info) = collect_range(&s, &opts, 0..reps, &mut |_, _| {}, &mut |_, chunk| {
        for years in chunk {
            for (y, figures) in years.iter().enumerate() {
                for rf in &figures.routes {
                    recorded
                        .entry((y, rf.gid()))
                        .or_default()
                        .push(rf.share(figures));
                }
            }
        }
    })
    .expect("run");
    let r = collector.finish(&s, &info);
    let share = r.routes.metric("share").expect("share column");
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs()) + 1e-18;
    let mut checked = 0;
    for ((y, gid), mut values) in recorded {
        // Replications without the route carried none of its flow's demand.
        values.resize(reps as usize, 0.0);
        let want = Summary::of(&mut values);
        let (year, ri) = ((s.first_year + y as i32).to_string(), &info[gid]);
        let row = r
            .routes
            .rows
            .iter()
            .find(|row| {
                row.keys[0] == year
                    && row.keys[1] == s.demand[ri.demand].id
                    && row.keys[5] == ri.key
            })
            .unwrap_or_else(|| panic!("no row for {year} {}", ri.key));
        let got = row.stats[share];
        assert_eq!(got.n, want.n);
        // A spread is rounding noise of the mean's size when the shares are all equal.
        let sd_close = (got.sd - want.sd).abs() <= 1e-12 * want.mean.abs().max(want.sd);
        assert!(
            close(got.mean, want.mean) && sd_close,
            "{year} {}: {got:?} vs {want:?}",
            ri.key
        );
        for (g, w) in got.p.iter().zip(want.p) {
            assert!(close(*g, w), "{year} {}: {got:?} vs {want:?}", ri.key);
        }
        checked += 1;
    }
    assert!(checked > 1000, "{checked} route-years");
}
