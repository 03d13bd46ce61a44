//! The appraisal against hand computations: a policy that changes nothing gives zero
//! benefits exactly; stakeholders add up to the economic NPV and transfers cancel; the
//! logsum and the rule of a half on a two-route logit case equal the closed forms; CO2e
//! is tonne-km times intensity.

mod common;

use corridor_sim::appraisal::{AppraisalResults, appraise, inputs};
use corridor_sim::model::Scenario;
use corridor_sim::runner::RunOptions;

/// Loads `text` (which may hold an [appraisal] section) with its appraisal inputs
/// validated against `base`.
fn load_with_appraisal(name: &str, text: &str, base: &Scenario) -> (Scenario, inputs::Appraisal) {
    let (_dir, path) = common::scenario_file(name, text);
    let loaded = corridor_sim::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let a = inputs::load(&loaded.files, base, &loaded.scenario).unwrap_or_else(|e| panic!("{e}"));
    (loaded.scenario, a)
}

fn run(
    base: &Scenario,
    policy: &Scenario,
    a: &inputs::Appraisal,
    reps: u64,
    threads: usize,
) -> AppraisalResults {
    let opts = RunOptions {
        replications: Some(reps),
        seed: Some(11),
        threads: Some(threads),
        exact_values: None,
    };
    appraise(base, policy, a, &opts, &mut |_, _| {}).expect("appraise")
}

fn line(r: &AppraisalResults, year: &str, metric: &str) -> f64 {
    common::value(&r.years, &[year], metric)
}

/// One road A - X (border) - B; the base charges `fee` at X.
fn border_case(fee: f64, tariff_tkm: f64, appraisal: &str) -> String {
    border_case_mode(fee, tariff_tkm, "road", appraisal)
}

/// As `border_case`, with link X-B of mode `xb_mode`.
fn border_case_mode(fee: f64, tariff_tkm: f64, xb_mode: &str, appraisal: &str) -> String {
    format!(
        r#"
[scenario]
name = "border"
first_year = 2025
last_year = 2027
base_year = 2025

[route_choice]
model = "deterministic"

[[corridors]]
id = "road"

[[nodes]]
id = "A"
lat = 40.0
lon = 45.0
country = "AA"
[[nodes]]
id = "X"
lat = 40.0
lon = 45.5
country = "AA/BB"
kind = "border"
border_fee_usd_per_t = {fee}
border_dwell_h = 2
[[nodes]]
id = "B"
lat = 40.0
lon = 46.0
country = "BB"

[[links]]
id = "ax"
from = "A"
to = "X"
mode = "road"
length_km = 50
speed_kmh = 50
tariff_usd_per_tkm = {tariff_tkm}
corridor = "road"
[[links]]
id = "xb"
from = "X"
to = "B"
mode = "{xb_mode}"
length_km = 70
speed_kmh = 50
tariff_usd_per_tkm = {tariff_tkm}
corridor = "road"

[[demand]]
id = "ab"
origin = "A"
destination = "B"
tonnes_per_year = {{ dist = "uniform", min = 1000, max = 3000 }}
growth_per_year = 0.05
value_of_time_usd_per_t_h = 0.5

{appraisal}
"#
    )
}

const NO_COSTS: &str = r#"
[appraisal]
discount_rate = 0.09
first_year = 2025
last_year = 2034
growth_after_horizon = 0.02
[appraisal.variable_cost_share]
road = 0
"#;

#[test]
fn a_policy_that_changes_nothing_gives_zero_benefits_exactly() {
    for text in [
        border_case(5.0, 0.05, NO_COSTS),
        std::fs::read_to_string("tests/fixtures/caucasus-demo.toml").unwrap() + NO_COSTS,
    ] {
        let base = common::load_text(&text);
        let (policy, a) = load_with_appraisal("same", &text, &base);
        let r = run(&base, &policy, &a, 6, 2);
        for row in &r.years.rows {
            for (m, s) in r.years.metrics.iter().zip(&row.stats) {
                // The logsum does not apply to the deterministic model (no values).
                let not_applicable = *m == "surplus_logsum_musd" && s.n == 0;
                let level = matches!(*m, "discount_factor" | "co2e_base_kt" | "co2e_policy_kt");
                if !level && !not_applicable {
                    assert!(
                        s.mean == 0.0 && s.sd == 0.0,
                        "{} {m} = {} (sd {})",
                        row.keys[0],
                        s.mean,
                        s.sd
                    );
                }
            }
        }
        assert_eq!(r.headline[0].1.mean, 0.0);
        assert_eq!(r.p_enpv_negative, 0.0);
    }
}

#[test]
fn stakeholders_add_up_and_transfers_cancel() {
    // The policy doubles the border fee (5 -> 10 USD/t) and raises the road tariff: a
    // pure transfer from shippers to the government and the operators (demand is fixed
    // and there is one route), so the economic net benefit is zero every year while the
    // stakeholders' shares are not.
    let base = common::load_text(&border_case(5.0, 0.05, ""));
    let (policy, a) = load_with_appraisal("fee", &border_case(10.0, 0.06, NO_COSTS), &base);
    let r = run(&base, &policy, &a, 8, 2);
    let shippers = common::value(&r.stakeholders, &["shippers", "all"], "npv_musd");
    let gov = common::value(&r.stakeholders, &["government", "all"], "npv_musd");
    let ops = common::value(&r.stakeholders, &["operators", "all"], "npv_musd");
    let total = common::value(&r.stakeholders, &["all", "all"], "npv_musd");
    assert!(shippers < 0.0 && gov > 0.0 && ops > 0.0);
    // Hand computation for 2025: T (5 + 0.01 x 120) lost by shippers, mean T = 2000 t.
    let s2025 = line(&r, "2025", "shippers_musd");
    assert!(
        (s2025 - -2000.0 * 6.2 / 1e6).abs() < 2000.0 * 6.2 / 1e6 * 0.2,
        "{s2025}"
    );
    let t = common::stat(&r.years, &["2025"], "shippers_musd");
    let g = common::stat(&r.years, &["2025"], "government_musd");
    assert!((t.mean + g.mean + line(&r, "2025", "operators_musd")).abs() < 1e-12);
    assert!((g.mean - 2000.0 * 5.0 / 1e6).abs() < 2000.0 * 5.0 / 1e6 * 0.2);
    assert!(total.abs() < 1e-9, "transfers must cancel: {total}");
    assert!((shippers + gov + ops).abs() < 1e-9);
    // Stakeholders by country add up to the economic NPV too, replication by replication.
    let enpv = r.headline[0].1;
    assert!((enpv.mean - total).abs() < 1e-9);
    let by_country: f64 = r
        .stakeholders
        .rows
        .iter()
        .filter(|row| row.keys[0] == "all" && row.keys[1] != "all")
        .map(|row| row.stats[0].mean)
        .sum();
    assert!((by_country - total).abs() < 1e-9);
    // The government's fee is split between the two countries of the border node.
    let aa = common::value(&r.stakeholders, &["government", "AA"], "npv_musd");
    let bb = common::value(&r.stakeholders, &["government", "BB"], "npv_musd");
    assert!((aa - bb).abs() < 1e-12 && (aa + bb - gov).abs() < 1e-12);
}

#[test]
fn stakeholders_add_up_with_capital_on_the_real_network() {
    let demo = std::fs::read_to_string("tests/fixtures/caucasus-demo.toml").unwrap();
    let (dir, _demo_path) = common::scenario_file("demo", &demo);
    let base_path = dir.path().join("without.toml");
    std::fs::write(
        &base_path,
        "[scenario]\nbase = \"demo.toml\"\nname = \"without\"\n[[links]]\nid = \"aghband-meghri\"\nopen_from = 2100\n[[links]]\nid = \"meghri-ordubad\"\nopen_from = 2100\n",
    )
    .unwrap();
    let base = common::load(&base_path);
    let text = demo
        + r#"
[appraisal]
first_year = 2025
last_year = 2054
[[appraisal.capital]]
id = "rail"
country = "AM"
cost_musd = 100
overrun = { dist = "uniform", min = 0, max = 0.5 }
years = [2025, 2026]
life_years = 40
[[appraisal.operating]]
id = "om"
country = "AM"
musd_per_year = 2
link = "aghband-meghri"
"#;
    let (policy, a) = load_with_appraisal("demo", &text, &base);
    let r = run(&base, &policy, &a, 4, 2);
    let total = common::value(&r.stakeholders, &["all", "all"], "npv_musd");
    let parts: f64 = r
        .stakeholders
        .rows
        .iter()
        .filter(|row| row.keys[0] != "all" && row.keys[1] != "all")
        .map(|row| row.stats[0].mean)
        .sum();
    assert!(
        (parts - total).abs() < 1e-6 * total.abs().max(1.0),
        "{parts} vs {total}"
    );
    assert!((r.headline[0].1.mean - total).abs() < 1e-6 * total.abs().max(1.0));
    // Capital: 100 MUSD x (1 + overrun), half in each year; residual after 28 of 40 years.
    let c = common::stat(&r.years, &["2025"], "capital_musd");
    assert!(c.mean > 50.0 && c.mean < 75.0);
    let res = line(&r, "2054", "residual_musd");
    let cap = line(&r, "2025", "capital_musd") + line(&r, "2026", "capital_musd");
    assert!(
        (res - cap * (1.0 - 28.0 / 40.0)).abs() < 1e-9,
        "{res} {cap}"
    );
    // Same results on one thread and on two.
    let r1 = run(&base, &policy, &a, 4, 1);
    assert_eq!(r1.years, r.years);
    assert_eq!(r1.stakeholders, r.stakeholders);
}

/// Two uncongested routes A-B; the policy cuts route 2's tariff by `cut` USD/t.
fn logit_case(cut: f64, appraisal: &str) -> String {
    format!(
        r#"
[scenario]
name = "logit"
first_year = 2025
last_year = 2025
base_year = 2025

[route_choice]
model = "logit"
k_routes = 2
max_detour = 10
logit_scale_per_usd = 0.01
path_size = false
distinct_corridors = false
tolerance = 1e-12
max_iterations = 5000

[[corridors]]
id = "one"
[[corridors]]
id = "two"

[[nodes]]
id = "A"
lat = 40.0
lon = 45.0
country = "AA"
[[nodes]]
id = "B"
lat = 40.0
lon = 46.0
country = "AA"

[[links]]
id = "r1"
from = "A"
to = "B"
mode = "rail"
length_km = 100
time_h = 0
tariff_usd_per_t = 1000
corridor = "one"
[[links]]
id = "r2"
from = "A"
to = "B"
mode = "road"
length_km = 100
time_h = 0
tariff_usd_per_t = {}
corridor = "two"

[[demand]]
id = "ab"
origin = "A"
destination = "B"
tonnes_per_year = 1
value_of_time_usd_per_t_h = 1

{appraisal}
"#,
        1100.0 - cut
    )
}

#[test]
fn logsum_and_rule_of_half_match_the_hand_computation() {
    // Research sheet §2: theta = 0.01, costs (1000, 1100) -> (1000, 1050): logsum 16.08,
    // rule of a half 16.16 USD per tonne.
    let base = common::load_text(&logit_case(0.0, ""));
    let app = "[appraisal]\nfirst_year = 2025\nlast_year = 2025\n[appraisal.variable_cost_share]\nrail = 1\nroad = 1\n";
    let (policy, a) = load_with_appraisal("cut", &logit_case(50.0, app), &base);
    let r = run(&base, &policy, &a, 1, 1);
    let ls = line(&r, "2025", "surplus_logsum_musd") * 1e6;
    let roh = line(&r, "2025", "surplus_rule_of_half_musd") * 1e6;
    let hand = 100.0 * ((1.0 + (-0.5f64).exp()).ln() - (1.0 + (-1.0f64).exp()).ln());
    assert!((ls - hand).abs() < 1e-6, "{ls} vs {hand}");
    assert!((ls - 16.08).abs() < 5e-3);
    let p = |d: f64| 1.0 / (1.0 + (theta_d(d)).exp());
    fn theta_d(d: f64) -> f64 {
        0.01 * d
    }
    let hand_roh = 0.5 * (p(100.0) + p(50.0)) * 50.0;
    assert!((roh - hand_roh).abs() < 1e-6, "{roh} vs {hand_roh}");
    assert!((roh - 16.16).abs() < 5e-3);
    // Shippers are credited with the logsum measure under logit.
    assert!((line(&r, "2025", "shippers_musd") * 1e6 - ls).abs() < 1e-9);
}

#[test]
fn co2_is_tonne_km_times_intensity() {
    // 2000 t/yr over A-X-B: 50 km of road, then 70 km of road (base) or rail (policy);
    // link A-X has its own intensity, the same in both. Change: 2000 x 70 x (25 - 102.7) g.
    let base = common::load_text(&border_case(5.0, 0.05, ""));
    let app = r#"
[appraisal]
first_year = 2025
last_year = 2025
[[appraisal.link_co2e]]
link = "ax"
g_per_tkm = 30
[[appraisal.carbon_price]]
year = 2020
usd_per_t = 100
"#;
    let (policy, a) = load_with_appraisal("co2", &border_case_mode(5.0, 0.05, "rail", app), &base);
    let r = run(&base, &policy, &a, 1, 1);
    let kt = line(&r, "2025", "co2e_change_kt");
    let t = common::value(&r.comparison.policy.od, &["2025", "ab"], "served_t");
    assert!(t > 1000.0 && t < 3000.0);
    let hand_t = t * 70.0 * (25.0 - 102.7) / 1e6;
    assert!((kt * 1e3 - hand_t).abs() < 1e-9, "{kt}");
    let env = line(&r, "2025", "environment_musd");
    assert!((env * 1e6 - -hand_t * 100.0).abs() < 1e-6);
    // The intensity functions directly: A-X at its own 30 g, X-B at the mode default.
    let g = corridor_sim::appraisal::emissions::link_intensities(&a, &policy, None);
    assert_eq!(g, vec![30.0, 25.0]);
}

#[test]
fn bad_appraisal_inputs_are_located() {
    let base = common::load_text(&border_case(5.0, 0.05, ""));
    let text = border_case(
        5.0,
        0.05,
        "[appraisal]\ndiscount_rate = 9\n[[appraisal.capital]]\nid = \"x\"\ncountry = \"AA\"\ncost_musd = 10\nyears = [2020]\nlife_years = 30\n",
    );
    let (_dir, path) = common::scenario_file("bad", &text);
    let loaded = corridor_sim::scenario::load(&path).unwrap();
    let err = inputs::load(&loaded.files, &base, &loaded.scenario).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("appraisal.discount_rate") && msg.contains("0.09 = 9%"),
        "{msg}"
    );
    assert!(
        msg.contains("appraisal.capital[0].years") && msg.contains("outside"),
        "{msg}"
    );
    assert!(msg.contains("bad.toml:"), "{msg}");
    // Each points at the line its key is written on.
    let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    assert!(
        msg.contains(&format!(
            "bad.toml:{}:1: error in `appraisal.capital[0].years`",
            line_of("years =")
        )),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "bad.toml:{}:1: error in `appraisal.discount_rate`",
            line_of("discount_rate =")
        )),
        "{msg}"
    );
}

/// One uncongested road A-B; `tariff` USD/t, no time cost; the flow's elasticity `e`.
fn one_link(tariff: f64, e: f64, appraisal: &str) -> String {
    format!(
        r#"
[scenario]
name = "one-link"
first_year = 2025
last_year = 2025
base_year = 2025

[route_choice]
model = "deterministic"
tolerance = 1e-12
max_iterations = 2000

[[corridors]]
id = "road"

[[nodes]]
id = "A"
lat = 40.0
lon = 45.0
country = "AA"
[[nodes]]
id = "B"
lat = 40.0
lon = 46.0
country = "BB"

[[links]]
id = "ab"
from = "A"
to = "B"
mode = "road"
length_km = 100
time_h = 0
tariff_usd_per_t = {tariff}
corridor = "road"

[[demand]]
id = "ab"
origin = "A"
destination = "B"
tonnes_per_year = 1000000
value_of_time_usd_per_t_h = 1
elasticity = {e}

{appraisal}
"#
    )
}

#[test]
fn induced_tonnes_take_half_the_saving() {
    // Research sheet §2: T0 = 1e6 t, cost 100 -> 90, elasticity -1: T1 = 1,111,111 t and
    // the rule of a half gives 10,555,556 USD (the exact integral, 10,536,052, is 0.2%
    // lower). The policy's demand pivots on the base's cost of the same replication.
    let base = common::load_text(&one_link(100.0, 0.0, ""));
    let app = "[appraisal]\nfirst_year = 2025\nlast_year = 2025\n";
    let (policy, a) = load_with_appraisal("elastic", &one_link(90.0, -1.0, app), &base);
    let r = run(&base, &policy, &a, 1, 1);
    let shippers = line(&r, "2025", "shippers_musd") * 1e6;
    let t1 = 1e6 * 100.0 / 90.0;
    assert!((line(&r, "2025", "induced_kt") * 1e3 - (t1 - 1e6)).abs() < 1.0);
    assert!(
        (shippers - 0.5 * (1e6 + t1) * 10.0).abs() < 20.0,
        "{shippers}"
    );
    assert!((shippers - 10_555_556.0).abs() < 20.0);
    // The operator's margin: (1 - 0.9) of the tariff revenue, policy minus base.
    let ops = line(&r, "2025", "operators_musd") * 1e6;
    let hand = 0.1 * (t1 * 90.0 - 1e6 * 100.0);
    assert!((ops - hand).abs() < 20.0, "{ops} vs {hand}");
}

#[test]
fn an_unchanged_elastic_policy_induces_nothing() {
    let text = one_link(100.0, -0.7, NO_COSTS);
    let base = common::load_text(&text);
    let (policy, a) = load_with_appraisal("same-elastic", &text, &base);
    let r = run(&base, &policy, &a, 1, 1);
    assert_eq!(line(&r, "2025", "induced_kt"), 0.0);
    assert_eq!(line(&r, "2025", "net_musd"), 0.0);
}

#[test]
fn memory_stays_bounded_with_sketched_percentiles() {
    let base = common::load_text(&border_case(5.0, 0.05, ""));
    let (policy, a) = load_with_appraisal("fee", &border_case(10.0, 0.06, NO_COSTS), &base);
    let exact = run(&base, &policy, &a, 40, 2);
    let opts = RunOptions {
        replications: Some(40),
        seed: Some(11),
        threads: Some(2),
        exact_values: Some(100),
    };
    let sketched = appraise(&base, &policy, &a, &opts, &mut |_, _| {}).unwrap();
    let (e, s) = (
        common::stat(&exact.years, &["2026"], "government_musd"),
        common::stat(&sketched.years, &["2026"], "government_musd"),
    );
    assert!((e.mean - s.mean).abs() < 1e-9 * e.mean.abs());
    assert!(
        (e.p[0] - s.p[0]).abs() <= 0.011 * e.p[0].abs(),
        "{} {}",
        e.p[0],
        s.p[0]
    );
}

#[test]
fn the_command_writes_its_files_identically_on_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/caucasus-demo.toml"
    );
    let base = tmp.path().join("without.toml");
    std::fs::write(
        &base,
        format!(
            "[scenario]\nbase = {demo:?}\nname = \"without\"\n[[links]]\nid = \"aghband-meghri\"\nopen_from = 2100\n[[links]]\nid = \"meghri-ordubad\"\nopen_from = 2100\n"
        ),
    )
    .unwrap();
    let policy = tmp.path().join("with.toml");
    std::fs::write(
        &policy,
        format!(
            "[scenario]\nbase = {demo:?}\nname = \"with\"\n[appraisal]\nfirst_year = 2025\nlast_year = 2050\n[[appraisal.capital]]\nid = \"rail\"\ncountry = \"AM\"\ncost_musd = 300\nyears = [2025, 2026]\nlife_years = 40\n[[appraisal.chokepoints]]\nid = \"btk\"\ncorridors = [\"btk\"]\n"
        ),
    )
    .unwrap();
    let appraise = |out: &std::path::Path, policy: &std::path::Path, threads: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
            .args(["appraise"])
            .arg(&base)
            .arg(policy)
            .args([
                "--replications",
                "3",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(out)
            .output()
            .unwrap()
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let o = appraise(&a, &policy, "1");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(appraise(&b, &policy, "2").status.success());
    let dir = "appraise-without-vs-with";
    for f in [
        "appraisal.csv",
        "stakeholders.csv",
        "interdependence.csv",
        "summary.json",
        "index.html",
        "charts/enpv_distribution.png",
        "charts/cash_flows.svg",
        "charts/npv_by_country.svg",
        "charts/co2.png",
    ] {
        let (x, y) = (a.join(dir).join(f), b.join(dir).join(f));
        assert_eq!(
            std::fs::read(&x).unwrap(),
            std::fs::read(&y).unwrap(),
            "{f}"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join(dir).join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["kind"], "appraisal");
    assert!(summary["headline"]["enpv_musd"]["mean"].is_number());
    // A policy without an [appraisal] section is bad input (exit 2), said plainly.
    let o = appraise(&tmp.path().join("c"), &base, "1");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no [appraisal] section"));
}
