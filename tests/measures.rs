//! Measures and calibration: a measure is the sum of its link directions and nodes
//! (checked against the links and flows tables of the same run), `calibrate` recovers
//! the constants that generated synthetic counts, and its output loads and runs as a
//! scenario.

mod common;

use common::{header, load, load_text, run, scenario_file, value};
use corridor_sim::calibrate::{self, file};
use corridor_sim::results::Table;

/// Mean of `metric` for `measure` in `year` from the measures table.
fn measure(t: &Option<Table>, year: &str, id: &str, metric: &str) -> f64 {
    let t = t.as_ref().expect("the run has a measures table");
    value(t, &[year, id], metric)
}

/// A two-way link between A and M used westbound and eastbound by two flows of known
/// size, and a link M-B used by one of them: measures by direction and by node.
#[test]
fn measures_equal_the_sum_of_their_link_directions_and_nodes() {
    let text = format!(
        r#"{}
{}
{}
{}
[[demand]]
id = "east"
origin = "A"
destination = "B"
tonnes_per_year = 3000
value_of_time_usd_per_t_h = 1
[[demand]]
id = "west"
origin = "M"
destination = "A"
tonnes_per_year = 1000
value_of_time_usd_per_t_h = 1

[[measures]]
id = "am-forward"
links = ["am:forward"]
[[measures]]
id = "am-reverse"
links = ["am:reverse"]
[[measures]]
id = "am-both"
links = ["am"]
unit = "trucks"
tonnes_per_unit = 20
observed = [{{ year = 2025, units_per_day = 0.5, source = "hand" }}]
[[measures]]
id = "chain"
links = ["am:forward", "mb"]
[[measures]]
id = "node-m"
nodes = ["M"]
"#,
        header(2025, 2026, "k_routes = 1"),
        common::link("am", "A", "M", "c1", 5.0, ""),
        common::link("mb", "M", "B", "c1", 5.0, ""),
        ""
    );
    let s = load_text(&text);
    let r = run(&s, 1, 1);
    let links = &r.links;
    for year in ["2025", "2026"] {
        let am = value(links, &[year, "am"], "tonnes");
        let mb = value(links, &[year, "mb"], "tonnes");
        // Hand values: east (3000 t) uses A->M->B, west (1000 t) uses M->A.
        assert_eq!(measure(&r.measures, year, "am-forward", "tonnes"), 3000.0);
        assert_eq!(measure(&r.measures, year, "am-reverse", "tonnes"), 1000.0);
        assert_eq!(measure(&r.measures, year, "am-both", "tonnes"), am);
        assert_eq!(am, 4000.0);
        assert_eq!(measure(&r.measures, year, "chain", "tonnes"), 3000.0 + mb);
        // Node M: 3000 t arrive from A (and go on), 1000 t start there.
        assert_eq!(measure(&r.measures, year, "node-m", "tonnes"), 4000.0);
        // Units a day: 4000 t / 20 t / 365 days.
        let u = measure(&r.measures, year, "am-both", "units_per_day");
        assert!((u - 4000.0 / 20.0 / 365.0).abs() < 1e-12);
    }
    // The difference from the 2025 observation (0.5 trucks a day = 3650 t).
    let d = measure(&r.measures, "2025", "am-both", "difference");
    assert!((d - (4000.0 / 3650.0 - 1.0)).abs() < 1e-12);
    assert!(measure(&r.measures, "2026", "am-both", "difference").is_nan());
}

/// Three parallel links A-B in three corridors; route choice by logit.
fn synthetic(c2_constant: f64, l3_time_h: f64, observed: &[(String, f64)]) -> String {
    let mut text = header(
        2030,
        2030,
        "k_routes = 3\nmax_detour = 10\nlogit_scale_per_usd = 0.1\ntolerance = 1e-10",
    );
    text = text.replacen(
        "id = \"c2\"",
        &format!("id = \"c2\"\nconstant_usd_per_t = {c2_constant}"),
        1,
    );
    text += &common::link("l1", "A", "B", "c1", 10.0, "tariff_usd_per_t = 20");
    text += &common::link("l2", "A", "B", "c2", 12.0, "tariff_usd_per_t = 15");
    text += &common::link("l3", "A", "B", "c3", l3_time_h, "tariff_usd_per_t = 10");
    text += &common::demand(1e6, 1.0, "");
    for (id, t) in observed {
        text += &format!(
            "\n[[measures]]\nid = \"{id}\"\nlinks = [\"{id}\"]\nobserved = [{{ year = 2030, tonnes = {t:?}, source = \"synthetic\" }}]\n"
        );
    }
    text += r#"
[calibration]
parameters = [
  { key = "corridors.c2.constant_usd_per_t", min = -20, max = 20 },
  { key = "links.l3.time_h", min = 1, max = 50 },
]
"#;
    text
}

#[test]
fn calibrate_recovers_the_constants_that_made_the_counts() {
    let (c2_true, l3_true) = (6.0, 14.0);
    // The "observed" counts: what the model gives with the true constants.
    let truth = load_text(&synthetic(
        c2_true,
        l3_true,
        &[("l1".into(), 1.0), ("l2".into(), 1.0), ("l3".into(), 1.0)],
    ));
    let counts = calibrate::measure_tonnes(&truth, 2030);
    assert!((counts.iter().sum::<f64>() - 1e6).abs() < 1e-3);
    let observed: Vec<(String, f64)> = ["l1", "l2", "l3"]
        .iter()
        .zip(&counts)
        .map(|(id, t)| (id.to_string(), *t))
        .collect();
    // Start far from the truth.
    let (dir, path) = scenario_file("synthetic", &synthetic(-5.0, 35.0, &observed));
    let s = load(&path);
    let fit = calibrate::calibrate(&s, None).expect("fits");
    assert_eq!(fit.year, 2030);
    assert!(fit.cost_before > 1e-3, "starts away from the truth");
    let c2 = fit.constants[0].after;
    let l3 = fit.constants[1].after;
    assert!((c2 / c2_true - 1.0).abs() < 0.01, "c2 constant {c2}");
    assert!((l3 / l3_true - 1.0).abs() < 0.01, "l3 time {l3}");
    assert!(fit.cost_after < 1e-8, "cost {}", fit.cost_after);
    assert!(fit.constants.iter().all(|c| c.at_bound.is_none()));

    // The output extends the input, loads, and runs to the fitted figures.
    let out = dir.path().join("out").join("synthetic-calibrated.toml");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let base = file::relative_path(out.parent().unwrap(), &path);
    assert_eq!(base, "../synthetic.toml");
    std::fs::write(&out, file::scenario_file(&s, &fit, &base)).unwrap();
    let calibrated = load(&out);
    assert_eq!(calibrated.name, "t-calibrated");
    assert_eq!(
        calibrate::current_value(&calibrated, fit.constants[0].parameter.target),
        file::round4(c2)
    );
    let r = run(&calibrated, 1, 1);
    for (id, t) in &observed {
        let model = measure(&r.measures, "2030", id, "tonnes");
        assert!((model / t - 1.0).abs() < 1e-3, "{id}: {model} against {t}");
    }
}

#[test]
fn bad_measures_and_constants_are_located_errors() {
    let text = format!(
        "{}{}{}\n[[measures]]\nid = \"m\"\nlinks = [\"l9\", \"l1:sideways\"]\n\
         [calibration]\nparameters = [{{ key = \"links.l1.speed\", min = 0, max = 1 }}]\n",
        header(2030, 2030, ""),
        common::link("l1", "A", "B", "c1", 10.0, ""),
        common::demand(1e6, 1.0, "")
    );
    let (_dir, path) = scenario_file("bad", &text);
    let err = corridor_sim::scenario::load(&path).expect_err("invalid");
    let msg = err.to_string();
    assert!(
        msg.contains("measures[0].links[0]") && msg.contains("unknown link `l9`"),
        "{msg}"
    );
    assert!(msg.contains("unknown direction `sideways`"), "{msg}");
    assert!(msg.contains("calibration.parameters[0].key"), "{msg}");
}
