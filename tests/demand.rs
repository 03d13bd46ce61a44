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
