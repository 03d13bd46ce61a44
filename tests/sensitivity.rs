//! Sensitivity, sweeps, switching values and select-link against independent answers:
//! the closed-form logit curve, its analytic crossing, planted dependences, a tornado
//! whose bars are computed by hand, and conservation of tonnes on a link.

mod common;

use std::path::Path;

use common::*;
use corridor_sim::runner::RunOptions;
use corridor_sim::scenario::{self, Loaded};
use corridor_sim::sensitivity::{self, select_link, sweep};

fn load_loaded(text: &str) -> (tempfile::TempDir, Loaded) {
    let (dir, path) = scenario_file("t", text);
    match scenario::load(&path) {
        Ok(l) => (dir, l),
        Err(e) => panic!("scenario should load:\n{e}"),
    }
}

fn opts(reps: Option<u64>) -> RunOptions {
    RunOptions {
        replications: reps,
        seed: None,
        threads: Some(2),
        exact_values: None,
    }
}

/// Share of route 1 on two parallel routes without congestion: c1 = tariff + 2 x 10 h,
/// c2 = tariff2 + 2 x 25 h, logit scale 0.05 per USD.
fn logit_share(c1: f64, c2: f64) -> f64 {
    1.0 / (1.0 + (-0.05 * (c2 - c1)).exp())
}

fn two_routes(tariff1: &str, tariff2: f64, demand_t: &str, extra: &str) -> String {
    header(
        2025,
        2025,
        "logit_scale_per_usd = 0.05\nk_routes = 2\nmax_detour = 10",
    ) + &link(
        "r1",
        "A",
        "B",
        "c1",
        10.0,
        &format!("tariff_usd_per_t = {tariff1}"),
    ) + &link(
        "r2",
        "A",
        "B",
        "c2",
        25.0,
        &format!("tariff_usd_per_t = {tariff2}"),
    ) + &format!(
        "\n[[demand]]\nid = \"AB\"\norigin = \"A\"\ndestination = \"B\"\n\
             tonnes_per_year = {demand_t}\nvalue_of_time_usd_per_t_h = 2\n"
    ) + extra
}

const FEE_SWEEP: &str = r#"
[[sweep]]
id = "fee"
input = "links.r1.tariff_usd_per_t"
from = 0
to = 100
step = 10
outputs = ["corridors.c1.tonnes.2025"]
switch = { output = "corridors.c1.tonnes.2025", below = "corridors.c2.tonnes.2025" }
"#;

#[test]
fn a_fee_sweep_follows_the_closed_form_logit_curve_point_by_point() {
    let (_d, l) = load_loaded(&two_routes("40", 33.0, "1000", FEE_SWEEP));
    let sw = &l.study.sweeps[0];
    let r = sweep::run(&l.scenario, sw, &opts(None), &mut |_, _| {}).expect("sweep");
    assert_eq!(r.points.len(), 11);
    for p in &r.points {
        let fee = p.values[0];
        let want = 1000.0 * logit_share(fee + 20.0, 33.0 + 50.0);
        let got = p.summary(0).mean;
        assert!((got - want).abs() < 1e-6, "fee {fee}: {got} vs {want}");
    }
}

#[test]
fn the_switching_value_on_two_routes_is_the_analytic_crossing() {
    // Route 1 carries less than route 2 once its cost passes route 2's:
    // fee + 20 = 33 + 50, so fee* = 63 USD/t (nominal 40: +57.5%).
    let (_d, l) = load_loaded(&two_routes("40", 33.0, "1000", FEE_SWEEP));
    let sw = &l.study.sweeps[0];
    let r = sweep::run(&l.scenario, sw, &opts(None), &mut |_, _| {}).expect("sweep");
    let s = r.switching.expect("switching value");
    let x = s.value.expect("it crosses");
    assert!((x - 63.0).abs() < 1e-3, "switching value {x}");
    let pct = s.percent_change.expect("percent");
    assert!((pct - 100.0 * 23.0 / 40.0).abs() < 1e-2, "{pct}");
    assert!((s.band.p[2] - 63.0).abs() < 1e-3);
    assert_eq!(s.never, 0);
}

#[test]
fn rank_correlations_recover_a_planted_dependence_and_ignore_an_idle_input() {
    // Route 1's tonnes = demand x a fixed share: monotone in demand (ρ = 1). Growth does
    // not enter in the base year (t = D (1 + g)^0).
    let text = two_routes(
        "40",
        30.0,
        r#"{ dist = "uniform", min = 500, max = 1500 }
growth_per_year = { dist = "uniform", min = 0.0, max = 0.1 }"#,
        "\n[sensitivity]\noutputs = [\"corridors.c1.tonnes.2025\"]\ntornado = false\n",
    );
    let (_d, l) = load_loaded(&text);
    let s = &l.scenario;
    assert_eq!(
        s.draw_keys,
        ["demand.AB.tonnes_per_year", "demand.AB.growth_per_year"]
    );
    let (_, sens) = sensitivity::run(
        s,
        &l.study,
        &opts(Some(300)),
        &mut |_, _| {},
        &mut |_, _| {},
    )
    .expect("run");
    let sens = sens.expect("sensitivity of a stochastic scenario");
    let m = &sens.ranks[0].measures;
    assert!(m.spearman[0] > 0.999, "{:?}", m.spearman);
    assert!(m.spearman[1].abs() < 0.15, "{:?}", m.spearman);
    assert!(m.srrc[0] > 0.99 && m.srrc[1].abs() < 0.1, "{:?}", m.srrc);
    assert!(m.r2 > 0.99);
    assert!(sens.oat.is_none());
}

#[test]
fn the_tornado_order_and_bars_match_a_hand_computed_case() {
    // Inputs: demand U(900, 1100), route 1's tariff U(30, 50), growth U(0, 0.1) (idle).
    // Output: route 1's tonnes D p(c1 = t + 20, c2 = 80).
    // Demand bar: D at p10/p90 = 920/1080 with t = 40: swing 160 p(60, 80) = 117.
    // Tariff bar: t at p10/p90 = 32/48 with D = 1000: 1000 (p(52) - p(68)) = 156.
    let text = two_routes(
        r#"{ dist = "uniform", min = 30, max = 50 }"#,
        30.0,
        r#"{ dist = "uniform", min = 900, max = 1100 }
growth_per_year = { dist = "uniform", min = 0.0, max = 0.1 }"#,
        "\n[sensitivity]\noutputs = [\"corridors.c1.tonnes.2025\"]\n",
    );
    let (_d, l) = load_loaded(&text);
    let s = &l.scenario;
    let (_, sens) = sensitivity::run(s, &l.study, &opts(Some(20)), &mut |_, _| {}, &mut |_, _| {})
        .expect("run");
    let sens = sens.expect("sensitivity");
    let oat = sens.oat.expect("tornado");
    let names: Vec<&str> = oat.bars[0]
        .iter()
        .map(|b| sens.factor_names[b.factor].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "links.r1.tariff_usd_per_t",
            "demand.AB.tonnes_per_year",
            "demand.AB.growth_per_year"
        ]
    );
    let p = |t: f64| logit_share(t + 20.0, 80.0);
    assert!((oat.base[0] - 1000.0 * p(40.0)).abs() < 1e-6);
    let fee = &oat.bars[0][0];
    assert!(
        (fee.low - 1000.0 * p(32.0)).abs() < 1e-6 && (fee.high - 1000.0 * p(48.0)).abs() < 1e-6
    );
    assert!((fee.input_low - 32.0).abs() < 1e-9 && (fee.input_high - 48.0).abs() < 1e-9);
    let dem = &oat.bars[0][1];
    assert!(
        (dem.swing() - 160.0 * p(40.0)).abs() < 1e-6,
        "{}",
        dem.swing()
    );
    assert_eq!(oat.bars[0][2].swing(), 0.0);
    // Spider: the tariff's curve at p10..p90 = 32, 36, 40, 44, 48.
    let (_, curve) = oat.spider[0]
        .iter()
        .find(|(f, _)| *f == fee.factor)
        .expect("spider");
    for (v, t) in curve.iter().zip([32.0, 36.0, 40.0, 44.0, 48.0]) {
        assert!((v - 1000.0 * p(t)).abs() < 1e-6);
    }
}

#[test]
fn select_link_tonnes_sum_to_the_link_tonnes() {
    let s = load(Path::new("tests/fixtures/caucasus-demo.toml"));
    for id in ["baku-gardabani", "meghri-ordubad", "caspian-ferry"] {
        let sel = select_link::Selection::parse(&s, "link", id).expect("link");
        let r = select_link::run(&s, sel, &opts(Some(6)), &mut |_, _| {}).expect("run");
        let mut carried = 0.0;
        for (y, reps) in r.per_rep.iter().enumerate() {
            for (rep, flows) in reps.iter().enumerate() {
                let sum: f64 = flows.iter().sum();
                let link = r.link_tonnes[y][rep];
                carried += link;
                assert!(
                    (sum - link).abs() <= 1e-6 * link.max(1.0),
                    "{id} year {y} rep {rep}: flows {sum} vs link {link}"
                );
            }
        }
        assert!(carried > 0.0, "{id} carries freight in some year");
    }
}

#[test]
fn sobol_indices_of_a_scenario_give_an_idle_input_exactly_zero() {
    // Only demand enters the 2025 tonnes (growth does not in the base year): S_T(growth)
    // is exactly 0 (f(A_B) = f(A) row by row); demand explains everything, S = S_T ≈ 1.
    let text = two_routes(
        "40",
        30.0,
        r#"{ dist = "uniform", min = 500, max = 1500 }
growth_per_year = { dist = "uniform", min = 0.0, max = 0.1 }"#,
        "",
    );
    let (_d, l) = load_loaded(&text);
    let s = &l.scenario;
    let out = corridor_sim::scenario::study::parse_output(s, "corridors.c1.tonnes.2025").unwrap();
    let r = sensitivity::sobol::run(s, &[out], 256, 3, 50, Some(2), &mut |_, _| {}).expect("run");
    assert_eq!(r.runs, 256 * 4);
    let ix = &r.indices[0];
    assert_eq!(r.factor_names[1], "demand.AB.growth_per_year");
    assert_eq!(ix.total[1], 0.0);
    assert_eq!(ix.first[1], 0.0);
    // Demand: inside the 99% bootstrap interval of 1 (N = 256 is small: ± ~0.1).
    let z99 = 2.575_829;
    assert!(
        (ix.total[0] - 1.0).abs() <= z99 * ix.total_sd[0] && (ix.total[0] - 1.0).abs() < 0.15,
        "{:?} ± {:?}",
        ix.total,
        ix.total_sd
    );
    assert!(
        (ix.first[0] - 1.0).abs() <= z99 * ix.first_sd[0] && (ix.first[0] - 1.0).abs() < 0.15,
        "{:?} ± {:?}",
        ix.first,
        ix.first_sd
    );
}

#[test]
fn a_sweep_gives_the_same_numbers_on_one_thread_and_on_two() {
    let text = two_routes(
        r#"{ dist = "uniform", min = 30, max = 50 }"#,
        30.0,
        r#"{ dist = "uniform", min = 900, max = 1100 }"#,
        r#"
[[sweep]]
id = "demand"
input = "links.r2.tariff_usd_per_t"
values = [10, 30, 50]
outputs = ["corridors.c1.tonnes.2025"]
"#,
    );
    let (_d, l) = load_loaded(&text);
    let sw = &l.study.sweeps[0];
    let mut o1 = opts(Some(8));
    o1.threads = Some(1);
    let a = sweep::run(&l.scenario, sw, &o1, &mut |_, _| {}).expect("sweep");
    let b = sweep::run(&l.scenario, sw, &opts(Some(8)), &mut |_, _| {}).expect("sweep");
    assert_eq!(a.points, b.points);
    // A point's results do not depend on the other points: the middle one alone.
    let alone = sweep::run_points(
        &l.scenario,
        sw,
        &[vec![30.0]],
        8,
        l.scenario.seed,
        Some(2),
        &mut |_, _| {},
    )
    .expect("point");
    assert_eq!(alone[0].per_rep, a.points[1].per_rep);
}

#[test]
fn bad_output_and_input_names_are_located_errors_with_a_suggestion() {
    let text = two_routes(
        "40",
        30.0,
        "1000",
        "\n[sensitivity]\noutputs = [\"corridors.c9.tonnes.2025\"]\n\n[[sweep]]\ninput = \"links.r1.tarif_usd_per_t\"\nvalues = [1, 2]\n",
    );
    let (_dir, path) = scenario_file("bad", &text);
    let err = scenario::load(&path).expect_err("bad names").to_string();
    assert!(
        err.contains("sensitivity.outputs[0]") && err.contains("no corridor `c9`"),
        "{err}"
    );
    assert!(
        err.contains("sweep[0].input") && err.contains("did you mean `links.r1.tariff_usd_per_t`"),
        "{err}"
    );
    assert!(err.contains("bad.toml:"), "{err}");
}

#[test]
fn select_link_against_a_base_says_where_the_freight_came_from() {
    // Policy: the demo network; base: the same without the new corridor's Meghri link.
    // The flows on that link lose nothing and gain nothing in total (all demand is
    // served in both): the changes by corridor add up to zero, and the new corridor's
    // gain is all of its tonnes of those flows.
    let fixture = std::fs::canonicalize("tests/fixtures/caucasus-demo.toml").unwrap();
    let policy = load(&fixture);
    let base_text = format!(
        "[scenario]\nbase = {:?}\nname = \"no-meghri\"\n\n[[links]]\nid = \"meghri-ordubad\"\nenabled = false\n",
        fixture.display().to_string()
    );
    let base = load_text(&base_text);
    let sel = select_link::Selection::parse(&policy, "link", "meghri-ordubad").unwrap();
    let o = opts(Some(4));
    let sl = select_link::run(&policy, sel, &o, &mut |_, _| {}).unwrap();
    let d = select_link::diversion(&base, &policy, &sl, &o, &mut |_, _| {}).unwrap();
    let tripp = d.corridors.iter().position(|c| c == "tripp").unwrap();
    let y = d.years.iter().position(|y| *y == 2040).unwrap();
    let total_change: f64 = d.change[y].iter().map(|s| s.mean).sum();
    let policy_total: f64 = d.policy[y].iter().map(|s| s.mean).sum();
    assert!(policy_total > 0.0);
    assert!(
        total_change.abs() < 1e-6 * policy_total,
        "{total_change} of {policy_total}"
    );
    assert!(d.change[y][tripp].mean > 0.0);
    // The tonnes these flows put on the link are part of their tonnes on the corridor.
    let on_link: f64 = sl.flows[(2040 - policy.first_year) as usize]
        .iter()
        .map(|s| s.mean)
        .sum();
    assert!(d.policy[y][tripp].mean >= on_link - 1e-6 * on_link);
    assert!(
        d.change.iter().flatten().any(|s| s.mean < 0.0),
        "some corridor loses"
    );
}

#[test]
fn a_disruption_is_a_factor_of_its_own_in_the_ranks_and_the_tornado() {
    // Route 1 closes for 73 days (a fifth of the year) with probability 0.5: while it is
    // closed all freight takes route 2, so route 1 carries 1000 p (1 - days/365).
    // Tornado bar: off = 1000 p, on = 1000 p x 0.8; rank correlation with the days
    // disrupted: -1 up to the ties of the years it does not strike.
    let text = two_routes(
        "40",
        30.0,
        "1000",
        r#"
[[disruptions]]
id = "r1-closure"
links = ["r1"]
annual_probability = 0.5
duration_days = 73
capacity_loss = 1
"#,
    );
    let (_d, l) = load_loaded(&text);
    let s = &l.scenario;
    let (_, sens) = sensitivity::run(s, &l.study, &opts(Some(40)), &mut |_, _| {}, &mut |_, _| {})
        .expect("run");
    let sens = sens.expect("a disruption makes the scenario stochastic");
    assert_eq!(sens.factor_names, ["disruptions.r1-closure"]);
    let m = &sens.ranks[0].measures;
    assert!(m.spearman[0] < -0.99, "{:?}", m.spearman);
    let oat = sens.oat.expect("tornado");
    let p = logit_share(60.0, 80.0);
    let bar = &oat.bars[0][0];
    assert!((bar.low - 1000.0 * p).abs() < 1e-6, "{}", bar.low);
    assert!((bar.high - 1000.0 * p * 0.8).abs() < 1e-6, "{}", bar.high);
    assert!(bar.input_low.is_nan());
}

#[test]
fn an_override_sets_a_whole_share_group_or_one_named_input() {
    use corridor_sim::scenario::num::Param;
    use corridor_sim::scenario::overrides;
    let year =
        r#"{ dist = "discrete", values = [2026, 2028], probs = [0.5, 0.5], share = "open" }"#;
    let text = two_routes("40", 30.0, "1000", "")
        .replace(
            "tariff_usd_per_t = 40",
            &format!("tariff_usd_per_t = 40\nopen_from = {year}"),
        )
        .replace(
            "tariff_usd_per_t = 30.0",
            &format!("tariff_usd_per_t = 30\nopen_from = {year}"),
        )
        .replace(
            "tariff_usd_per_t = 30\n",
            &format!("tariff_usd_per_t = 30\nopen_from = {year}\n"),
        );
    let (_d, l) = load_loaded(&text);
    let s = &l.scenario;
    assert_eq!(s.draw_keys, ["share.open"]);
    let open = |s: &corridor_sim::model::Scenario| -> Vec<Option<Param>> {
        s.links.iter().map(|l| l.open_from.clone()).collect()
    };
    let mut a = s.clone();
    overrides::apply(
        &mut a,
        &overrides::resolve(s, "share.open").unwrap(),
        2030.0,
    );
    assert_eq!(open(&a), vec![Some(Param::Fixed(2030.0)); 2]);
    let mut b = s.clone();
    overrides::apply(
        &mut b,
        &overrides::resolve(s, "links.r2.open_from").unwrap(),
        2031.0,
    );
    assert!(open(&b)[0].as_ref().unwrap().is_random());
    assert_eq!(open(&b)[1], Some(Param::Fixed(2031.0)));
    // Its nominal value is the group's median (the lower of two equally likely years).
    assert_eq!(
        overrides::nominal(s, &overrides::resolve(s, "share.open").unwrap()),
        open(s)[0].as_ref().unwrap().nominal()
    );
}

/// The tornado after a study starts from the study's candidate routes (no search
/// again): its bars and spider are the same bytes as from a fresh engine, and the
/// engine it starts from already knows every network state the study met.
#[test]
fn tornado_on_the_study_routes_equals_a_fresh_engines() {
    let loaded = scenario::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/tripp-opens.toml"
    )))
    .expect("the default scenario loads");
    let s = &loaded.scenario;
    let study = corridor_sim::runner::study_engine(s);
    corridor_sim::runner::collect_range_on(
        &study,
        &opts(Some(40)),
        0..40,
        &mut |_, _| {},
        &mut |_, _| {},
    )
    .expect("study runs");
    let known = study.n_topologies();
    assert!(known > 5, "the study met {known} network states");
    let fresh = corridor_sim::simulate::Engine::new(s);
    assert_eq!(fresh.n_topologies(), 0);
    assert_eq!(fresh.with_route_sets_of(&study).n_topologies(), known);
    let outputs = &loaded.study.outputs;
    assert!(!outputs.is_empty(), "tripp-opens explains some outputs");
    let shared = sensitivity::oat::run(s, outputs, Some(2), Some(&study)).expect("oat");
    let alone = sensitivity::oat::run(s, outputs, Some(2), None).expect("oat");
    assert_eq!(format!("{shared:?}"), format!("{alone:?}"));
    assert!(shared.bars.iter().flatten().any(|b| b.swing() > 0.0));
}
