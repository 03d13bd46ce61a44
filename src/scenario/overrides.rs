//! Setting a named input of a validated scenario to a value, for sweeps and switching
//! values. Inputs are named as the draws are (`Scenario::draw_keys`): `links.<id>.<key>`,
//! `nodes.<id>.<key>`, `demand.<id>.<key>`, `events.<id>.<key>`,
//! `disruptions.<id>.<key>`, `transfer_defaults.<key>` and `share.<name>` (every input
//! of a `share` group at once), plus `route_choice.logit_scale_per_usd`. One vocabulary
//! for the draws a run reports on and the inputs a sweep moves.
//!
//! An override replaces the input by a fixed number. Its draw slot stays in the layout
//! of a replication's uniforms, so every other input keeps its draws (common random
//! numbers across the points of a sweep).

use crate::model::{Running, Scenario};
use crate::scenario::num::Param;

/// What an override name refers to, resolved once.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The name as written.
    pub key: String,
    /// The draw slot every input of the group shares, when the name is a draw.
    slot: Option<usize>,
    /// `route_choice.logit_scale_per_usd`.
    logit_scale: bool,
}

/// Calls `f` with the name (`links.<id>.<key>`) of every numeric input of the scenario.
fn for_each_param(s: &mut Scenario, f: &mut dyn FnMut(&str, &mut Param)) {
    for n in &mut s.nodes {
        let c = &mut n.costs;
        let fields: [(&str, &mut Param); 8] = [
            ("border_dwell_h", &mut c.border_dwell_h),
            ("border_fee_usd_per_t", &mut c.border_fee_usd_per_t),
            ("transshipment_h", &mut c.transshipment_h),
            ("transshipment_usd_per_t", &mut c.transshipment_usd_per_t),
            ("gauge_change_h", &mut c.gauge_change_h),
            ("gauge_change_usd_per_t", &mut c.gauge_change_usd_per_t),
            ("port_handling_h", &mut c.port_handling_h),
            ("port_handling_usd_per_t", &mut c.port_handling_usd_per_t),
        ];
        for (k, p) in fields {
            f(&format!("nodes.{}.{k}", n.id), p);
        }
    }
    for l in &mut s.links {
        let id = l.id.clone();
        f(&format!("links.{id}.length_km"), &mut l.length_km);
        match &mut l.running {
            Running::SpeedKmh(p) => f(&format!("links.{id}.speed_kmh"), p),
            Running::FixedH(p) => f(&format!("links.{id}.time_h"), p),
        }
        f(&format!("links.{id}.capacity_tpy"), &mut l.capacity_tpy);
        f(
            &format!("links.{id}.tariff_usd_per_t"),
            &mut l.tariff_usd_per_t,
        );
        f(
            &format!("links.{id}.tariff_usd_per_tkm"),
            &mut l.tariff_usd_per_tkm,
        );
        if let Some(p) = &mut l.open_from {
            f(&format!("links.{id}.open_from"), p);
        }
        if let Some(p) = &mut l.open_until {
            f(&format!("links.{id}.open_until"), p);
        }
    }
    for d in &mut s.demand {
        let id = d.id.clone();
        f(
            &format!("demand.{id}.tonnes_per_year"),
            &mut d.tonnes_per_year,
        );
        f(
            &format!("demand.{id}.growth_per_year"),
            &mut d.growth_per_year,
        );
        f(
            &format!("demand.{id}.value_of_time_usd_per_t_h"),
            &mut d.value_of_time_usd_per_t_h,
        );
    }
    for e in &mut s.events {
        let id = e.id.clone();
        f(&format!("events.{id}.year"), &mut e.year);
        let opt: [(&str, &mut Option<Param>); 5] = [
            ("capacity_tpy", &mut e.capacity_tpy),
            ("tariff_usd_per_t", &mut e.tariff_usd_per_t),
            ("tariff_usd_per_tkm", &mut e.tariff_usd_per_tkm),
            ("speed_kmh", &mut e.speed_kmh),
            ("time_h", &mut e.time_h),
        ];
        for (k, p) in opt {
            if let Some(p) = p {
                f(&format!("events.{id}.{k}"), p);
            }
        }
    }
    for d in &mut s.disruptions {
        let id = d.id.clone();
        f(
            &format!("disruptions.{id}.annual_probability"),
            &mut d.annual_probability,
        );
        f(
            &format!("disruptions.{id}.capacity_loss"),
            &mut d.capacity_loss,
        );
        f(
            &format!("disruptions.{id}.added_dwell_h"),
            &mut d.added_dwell_h,
        );
    }
}

/// The names of every input an override can set, sorted (for messages).
pub fn input_names(s: &Scenario) -> Vec<String> {
    let mut c = s.clone();
    let mut out: Vec<String> = Vec::new();
    for_each_param(&mut c, &mut |name, _| out.push(name.to_string()));
    out.extend(
        s.draw_keys
            .iter()
            .filter(|k| k.starts_with("share."))
            .cloned(),
    );
    out.push("route_choice.logit_scale_per_usd".into());
    out.sort();
    out.dedup();
    out
}

/// Resolves an input name, or says why it names nothing.
pub fn resolve(s: &Scenario, key: &str) -> Result<Target, String> {
    if key == "route_choice.logit_scale_per_usd" {
        return Ok(Target {
            key: key.into(),
            slot: None,
            logit_scale: true,
        });
    }
    let slot = s.draw_keys.iter().position(|k| k == key);
    let mut found = slot.is_some();
    let mut c = s.clone();
    for_each_param(&mut c, &mut |name, _| found |= name == key);
    if found {
        Ok(Target {
            key: key.into(),
            slot,
            logit_scale: false,
        })
    } else {
        let names = input_names(s);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let hint = super::suggest::did_you_mean(key, &refs);
        Err(format!(
            "`{key}` names no input of this scenario{hint}; inputs are named \
             `links.<id>.<key>`, `nodes.<id>.<key>`, `demand.<id>.<key>`, \
             `events.<id>.<key>`, `disruptions.<id>.<key>` or `share.<name>` \
             (for example `links.{}.tariff_usd_per_t`)",
            s.links.first().map_or("<id>", |l| l.id.as_str())
        ))
    }
}

/// The value the input takes without uncertainty (its median), for reports.
pub fn nominal(s: &Scenario, t: &Target) -> f64 {
    if t.logit_scale {
        return s.route_choice.logit_scale_per_usd;
    }
    let mut c = s.clone();
    let mut out = f64::NAN;
    for_each_param(&mut c, &mut |name, p| {
        let hit = name == t.key || matches!(p, Param::Random { slot, .. } if Some(*slot) == t.slot);
        if hit && out.is_nan() {
            out = p.nominal();
        }
    });
    out
}

/// Sets the input to `value` (a fixed number) wherever it appears.
pub fn apply(s: &mut Scenario, t: &Target, value: f64) {
    if t.logit_scale {
        s.route_choice.logit_scale_per_usd = value;
        return;
    }
    for_each_param(s, &mut |name, p| {
        let hit = name == t.key || matches!(p, Param::Random { slot, .. } if Some(*slot) == t.slot);
        if hit {
            *p = Param::Fixed(value);
        }
    });
}

/// The value of draw `slot` at uniform `u` (the first input that takes the draw), for
/// reports; `None` when no input takes it.
pub fn draw_value(s: &Scenario, slot: usize, u: f64) -> Option<f64> {
    let mut c = s.clone();
    let mut out = None;
    for_each_param(&mut c, &mut |_, p| {
        if let Param::Random { dist, slot: k } = p
            && *k == slot
            && out.is_none()
        {
            out = Some(dist.quantile(u));
        }
    });
    out
}
