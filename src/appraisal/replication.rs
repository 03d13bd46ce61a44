//! One paired replication's appraisal: from the base's and the policy's figures of the
//! same replication (common random numbers) to cash flows by year and stakeholder, the
//! economic and financial NPV and IRR, and each country's trade routed through others.
//!
//! Accounting (docs/MODEL.md, "Appraisal"; with-minus-without, A11):
//! - shippers: the change in consumer surplus (`surplus`), half to the origin's
//!   country and half to the destination's;
//! - link owners and operators: the change in tariff revenue less the carriers'
//!   resource cost (`variable_cost_share` of the tariff), by the link's country; links of
//!   a corridor marked `new` belong to the new corridor's owner;
//! - governments: the change in border fees at their border nodes (split equally
//!   between the countries a border node names), or the owner for `owner_nodes`;
//! - environment: minus the change in CO2e times the carbon price;
//! - capital, O&M and residual values to the payer named by each item.
//!
//! Tariffs and fees are in the shippers' generalized cost and in the receivers'
//! revenue, so as transfers they cancel in the sum over stakeholders, which is the
//! economic net benefit.

use crate::appraisal::cashflow::{irr, npv, payback_index};
use crate::appraisal::emissions::{co2e_t, link_intensities};
use crate::appraisal::inputs::{Appraisal, Stakeholder};
use crate::appraisal::surplus::rule_of_half;
use crate::figures::YearFigures;
use crate::model::{ChoiceModel, Scenario};
use crate::network::Instance;

/// Lines of `appraisal.csv`, per appraisal year, in million USD unless named otherwise.
pub const YEAR_LINES: [&str; 20] = [
    "capital_musd",
    "om_musd",
    "residual_musd",
    "shippers_musd",
    "surplus_logsum_musd",
    "surplus_rule_of_half_musd",
    "operators_musd",
    "owner_revenue_musd",
    "government_musd",
    "environment_musd",
    "co2e_change_kt",
    "benefits_musd",
    "costs_musd",
    "net_musd",
    "discount_factor",
    "net_discounted_musd",
    "cumulative_discounted_musd",
    "co2e_base_kt",
    "co2e_policy_kt",
    "induced_kt",
];

/// Headline figures of one replication.
pub const HEADLINES: [&str; 10] = [
    "enpv_musd",
    "eirr",
    "bcr",
    "fnpv_musd",
    "firr",
    "payback_year",
    "pv_benefits_musd",
    "pv_costs_musd",
    "co2e_change_kt_total",
    "surplus_rule_of_half_pv_musd",
];

/// What is fixed for every replication: countries, the maps from items to them.
pub struct Setup<'a> {
    pub base: &'a Scenario,
    pub policy: &'a Scenario,
    pub a: &'a Appraisal,
    pub seed: u64,
    /// Countries in name order; the last is `world` (the environment's).
    pub countries: Vec<String>,
    /// Common simulated years and their offsets in each run's figures.
    pub sim_years: Vec<i32>,
    pub yb: usize,
    pub yp: usize,
    /// Demand rows in both runs: (base index, policy index).
    pub common_demand: Vec<(usize, usize)>,
    /// Per scenario (0 base, 1 policy): countries of each node, of each link (where its
    /// revenue goes), whether a link is the new corridor's, whether a node's fee is the
    /// owner's, the countries of each demand row's origin and destination.
    pub node_countries: [Vec<Vec<usize>>; 2],
    pub link_countries: [Vec<Vec<usize>>; 2],
    pub owner_link: [Vec<bool>; 2],
    pub owner_node: [Vec<bool>; 2],
    pub demand_ends: [Vec<(Vec<usize>, Vec<usize>)>; 2],
    /// Policy link (node) -> the base's of the same id; base items matched or not.
    pub link_match: Vec<Option<usize>>,
    pub link_matched_b: Vec<bool>,
    pub node_match: Vec<Option<usize>>,
    pub node_matched_b: Vec<bool>,
    /// Per operating item, the policy link whose opening it waits for.
    pub om_link: Vec<Option<usize>>,
    /// Per capital and operating item, its country index.
    pub capital_country: Vec<usize>,
    pub om_country: Vec<usize>,
}

/// Splits `"GE/AM"` into its countries.
pub fn split_countries(c: &str) -> impl Iterator<Item = &str> {
    c.split('/').map(str::trim).filter(|x| !x.is_empty())
}

impl<'a> Setup<'a> {
    pub fn new(base: &'a Scenario, policy: &'a Scenario, a: &'a Appraisal, seed: u64) -> Setup<'a> {
        let mut names: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for s in [base, policy] {
            for n in &s.nodes {
                names.extend(split_countries(&n.country).map(str::to_string));
            }
        }
        for c in a
            .capital
            .iter()
            .map(|c| &c.country)
            .chain(a.operating.iter().map(|o| &o.country))
        {
            names.insert(c.clone());
        }
        names.remove("world");
        let mut countries: Vec<String> = names.into_iter().collect();
        countries.push("world".into());
        let idx = |c: &str| {
            countries
                .iter()
                .position(|x| x == c)
                .unwrap_or(countries.len() - 1)
        };
        let node_countries = [base, policy].map(|s| {
            s.nodes
                .iter()
                .map(|n| split_countries(&n.country).map(idx).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        });
        let link_countries = [0, 1].map(|k| {
            let s = [base, policy][k];
            s.links
                .iter()
                .map(|l| {
                    let (f, t) = (&node_countries[k][l.from], &node_countries[k][l.to]);
                    let common: Vec<usize> = f.iter().filter(|c| t.contains(c)).copied().collect();
                    if !common.is_empty() {
                        common
                    } else {
                        let mut u = f.clone();
                        u.extend(t.iter().filter(|c| !f.contains(c)));
                        u
                    }
                })
                .collect::<Vec<_>>()
        });
        let owner_link = [base, policy].map(|s| {
            s.links
                .iter()
                .map(|l| s.corridors[l.corridor].new)
                .collect::<Vec<_>>()
        });
        let owner_node = [base, policy].map(|s| {
            s.nodes
                .iter()
                .map(|n| a.owner_nodes.contains(&n.id))
                .collect::<Vec<_>>()
        });
        let demand_ends = [0, 1].map(|k| {
            let s = [base, policy][k];
            s.demand
                .iter()
                .map(|d| {
                    (
                        node_countries[k][d.origin].clone(),
                        node_countries[k][d.destination].clone(),
                    )
                })
                .collect::<Vec<_>>()
        });
        let common_demand = base
            .demand
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                policy
                    .demand
                    .iter()
                    .position(|p| p.id == d.id)
                    .map(|j| (i, j))
            })
            .collect();
        let first = base.first_year.max(policy.first_year);
        let last = base.last_year.min(policy.last_year);
        let link_match: Vec<Option<usize>> = policy
            .links
            .iter()
            .map(|l| base.links.iter().position(|x| x.id == l.id))
            .collect();
        let node_match: Vec<Option<usize>> = policy
            .nodes
            .iter()
            .map(|n| base.nodes.iter().position(|x| x.id == n.id))
            .collect();
        let mut link_matched_b = vec![false; base.links.len()];
        link_match
            .iter()
            .flatten()
            .for_each(|&l| link_matched_b[l] = true);
        let mut node_matched_b = vec![false; base.nodes.len()];
        node_match
            .iter()
            .flatten()
            .for_each(|&n| node_matched_b[n] = true);
        Setup {
            link_match,
            link_matched_b,
            node_match,
            node_matched_b,
            base,
            policy,
            a,
            seed,
            sim_years: (first..=last).collect(),
            yb: (first - base.first_year).max(0) as usize,
            yp: (first - policy.first_year).max(0) as usize,
            common_demand,
            node_countries,
            link_countries,
            owner_link,
            owner_node,
            demand_ends,
            om_link: a
                .operating
                .iter()
                .map(|o| {
                    o.link
                        .as_ref()
                        .and_then(|id| policy.links.iter().position(|l| l.id == *id))
                })
                .collect(),
            capital_country: a.capital.iter().map(|c| idx(&c.country)).collect(),
            om_country: a.operating.iter().map(|o| idx(&o.country)).collect(),
            countries,
        }
    }

    pub fn n_keys(&self) -> usize {
        Stakeholder::ALL.len() * self.countries.len()
    }

    pub fn key(&self, s: Stakeholder, country: usize) -> usize {
        s as usize * self.countries.len() + country
    }

    pub fn world(&self) -> usize {
        self.countries.len() - 1
    }

    pub fn appraisal_years(&self) -> std::ops::RangeInclusive<i32> {
        self.a.first_year..=self.a.last_year
    }
}

/// One replication's appraisal.
#[derive(Debug, Clone, PartialEq)]
pub struct RepOut {
    /// Per appraisal year, `YEAR_LINES`.
    pub years: Vec<[f64; YEAR_LINES.len()]>,
    /// Economic present value (MUSD) by stakeholder and country (`Setup::key`).
    pub stake_pv: Vec<f64>,
    /// `HEADLINES`.
    pub headline: [f64; HEADLINES.len()],
    /// ENPV (MUSD) at each of `Appraisal::sensitivity_rates`.
    pub npv_at_rates: Vec<f64>,
    /// Present values (MUSD) of capital (with residual) and of benefits, for switching values.
    pub pv_capital: f64,
    pub pv_om: f64,
}

/// Benefit lines of one simulated year (USD): per stakeholder-country key, then the
/// logsum and rule-of-a-half totals and the CO2e of both runs.
struct SimYear {
    by_key: Vec<f64>,
    logsum: f64,
    roh: f64,
    co2_base_t: f64,
    co2_policy_t: f64,
    /// Induced tonnes, policy minus base.
    induced_t: f64,
    /// Whether each O&M item's link is open in the policy run.
    om_open: Vec<bool>,
}

/// A flow's composite cost in a year (USD/t): the logsum for logit, the cheapest route
/// for the deterministic model, period-weighted, as the simulation records it
/// (`demand::composite_cost`, `YearFigures::induced`); NaN when not recorded.
fn composite(f: &YearFigures, d: usize) -> f64 {
    f.induced
        .get(d)
        .map_or(f64::NAN, |row| row[crate::demand::INDUCED_COMPOSITE])
}

/// Induced tonnes of a year, summed over flows.
fn induced_t(f: &YearFigures) -> f64 {
    f.induced
        .iter()
        .map(|row| row[1])
        .filter(|v| v.is_finite())
        .sum()
}

/// Route-level rule of a half for one flow: routes matched by key in both runs.
fn route_roh(
    fb: &YearFigures,
    fp: &YearFigures,
    db: usize,
    dp: usize,
    info_b: &[crate::figures::RouteInfo],
    info_p: &[crate::figures::RouteInfo],
) -> f64 {
    let mut sum = 0.0;
    for rp in fp
        .routes
        .iter()
        .filter(|r| info_p.get(r.gid()).is_some_and(|i| i.demand == dp))
    {
        let key = &info_p[rp.gid()].key;
        if let Some(rb) = fb.routes.iter().find(|r| {
            info_b
                .get(r.gid())
                .is_some_and(|i| i.demand == db && i.key == *key)
        }) {
            sum += rule_of_half(
                rb.tonnes(),
                rp.tonnes(),
                rb.cost_usd_per_t(),
                rp.cost_usd_per_t(),
            );
        }
    }
    sum
}

/// Adds `v` split equally over `countries` to stakeholder `s`.
fn credit(setup: &Setup, by_key: &mut [f64], s: Stakeholder, countries: &[usize], v: f64) {
    if countries.is_empty() {
        by_key[setup.key(s, setup.world())] += v;
        return;
    }
    let share = v / countries.len() as f64;
    for &c in countries {
        by_key[setup.key(s, c)] += share;
    }
}

/// Each link's margin (tariff revenue less carriers' resource cost) and each node's
/// border fee revenue in one run's year (USD).
fn producers(
    setup: &Setup,
    k: usize,
    inst: &Instance,
    f: &YearFigures,
    year: i32,
    vcs: &[f64; 4],
) -> (Vec<f64>, Vec<f64>) {
    let s = [setup.base, setup.policy][k];
    let state = inst.year_state(year);
    let margins = s
        .links
        .iter()
        .enumerate()
        .map(|(l, link)| {
            f.links[l][0] * state.links[l].charge_usd_per_t() * (1.0 - vcs[link.mode as usize])
        })
        .collect();
    // Tonnes passing a node = (incident link tonnes - tonnes starting or ending there) / 2.
    let mut incident = vec![0.0; s.nodes.len()];
    for (l, link) in s.links.iter().enumerate() {
        incident[link.from] += f.links[l][0];
        incident[link.to] += f.links[l][0];
    }
    for (d, dem) in s.demand.iter().enumerate() {
        incident[dem.origin] -= f.demand[d][1];
        incident[dem.destination] -= f.demand[d][1];
    }
    let fees = inst
        .nodes
        .iter()
        .enumerate()
        .map(|(n, nv)| {
            if nv.border_usd == 0.0 {
                0.0
            } else {
                (incident[n] * 0.5).max(0.0) * nv.border_usd
            }
        })
        .collect();
    (margins, fees)
}

/// Credits policy-minus-base producer revenues, item by item (links and nodes matched by
/// id), so that identical runs give exactly zero.
fn credit_producers(
    setup: &Setup,
    pb: &(Vec<f64>, Vec<f64>),
    pp: &(Vec<f64>, Vec<f64>),
    by_key: &mut [f64],
) {
    let (b, p) = (setup.base, setup.policy);
    for l in 0..p.links.len() {
        let base_v = setup.link_match[l].map_or(0.0, |lb| pb.0[lb]);
        let who = if setup.owner_link[1][l] {
            Stakeholder::Owner
        } else {
            Stakeholder::Operators
        };
        credit(
            setup,
            by_key,
            who,
            &setup.link_countries[1][l],
            pp.0[l] - base_v,
        );
    }
    for (l, _) in b
        .links
        .iter()
        .enumerate()
        .filter(|(l, _)| !setup.link_matched_b[*l])
    {
        let who = if setup.owner_link[0][l] {
            Stakeholder::Owner
        } else {
            Stakeholder::Operators
        };
        credit(setup, by_key, who, &setup.link_countries[0][l], -pb.0[l]);
    }
    for n in 0..p.nodes.len() {
        let base_v = setup.node_match[n].map_or(0.0, |nb| pb.1[nb]);
        let who = if setup.owner_node[1][n] {
            Stakeholder::Owner
        } else {
            Stakeholder::Government
        };
        credit(
            setup,
            by_key,
            who,
            &setup.node_countries[1][n],
            pp.1[n] - base_v,
        );
    }
    for n in (0..b.nodes.len()).filter(|n| !setup.node_matched_b[*n]) {
        let who = if setup.owner_node[0][n] {
            Stakeholder::Owner
        } else {
            Stakeholder::Government
        };
        credit(setup, by_key, who, &setup.node_countries[0][n], -pb.1[n]);
    }
}

/// Inputs of one paired replication.
pub struct Pair<'f> {
    pub rep: u64,
    pub base: &'f [YearFigures],
    pub policy: &'f [YearFigures],
    pub info_b: &'f [crate::figures::RouteInfo],
    pub info_p: &'f [crate::figures::RouteInfo],
}

/// The appraisal of one paired replication.
pub fn appraise_pair(setup: &Setup, pair: &Pair) -> RepOut {
    let (base, policy, a) = (setup.base, setup.policy, setup.a);
    let ub = crate::runner::draws(base, setup.seed, pair.rep);
    let up = crate::runner::draws(policy, setup.seed, pair.rep);
    let ua_v = crate::runner::named_uniforms(&a.draw_keys, setup.seed, pair.rep);
    let ua = Some(ua_v.as_slice()).filter(|u| !u.is_empty());
    let inst = [
        Instance::new(base, ub.as_deref()),
        Instance::new(policy, up.as_deref()),
    ];
    let vcs: [f64; 4] = std::array::from_fn(|m| a.variable_cost_share[m].value(ua));
    let g = [
        link_intensities(a, base, ua),
        link_intensities(a, policy, ua),
    ];
    let logit = policy.route_choice.model == ChoiceModel::Logit;

    let mut sim: Vec<SimYear> = Vec::with_capacity(setup.sim_years.len());
    for (y, &year) in setup.sim_years.iter().enumerate() {
        let (fb, fp) = (&pair.base[setup.yb + y], &pair.policy[setup.yp + y]);
        let mut by_key = vec![0.0; setup.n_keys()];
        let (mut logsum, mut roh) = (0.0, 0.0);
        for &(db, dp) in &setup.common_demand {
            let (t0, t1) = (fb.demand[db][1], fp.demand[dp][1]);
            // On the composite cost: the logsum measure (logit) or the rule of a half
            // on the equilibrium cost (deterministic); for logit also the route-level
            // rule of a half.
            let on_composite = rule_of_half(t0, t1, composite(fb, db), composite(fp, dp));
            let (ls, rh) = if logit {
                (
                    on_composite,
                    route_roh(fb, fp, db, dp, pair.info_b, pair.info_p),
                )
            } else {
                (f64::NAN, on_composite)
            };
            logsum += if ls.is_nan() { 0.0 } else { ls };
            roh += rh;
            let primary = if logit { ls } else { rh };
            let (o, d) = &setup.demand_ends[1][dp];
            credit(setup, &mut by_key, Stakeholder::Shippers, o, 0.5 * primary);
            credit(setup, &mut by_key, Stakeholder::Shippers, d, 0.5 * primary);
        }
        let pb = producers(setup, 0, &inst[0], fb, year, &vcs);
        let pp = producers(setup, 1, &inst[1], fp, year, &vcs);
        credit_producers(setup, &pb, &pp, &mut by_key);
        let co2 = |k: usize, f: &YearFigures| {
            let st = inst[k].year_state(year);
            let lengths: Vec<f64> = st.links.iter().map(|l| l.length_km).collect();
            let tonnes: Vec<f64> = f.links.iter().map(|l| l[0]).collect();
            co2e_t(&tonnes, &lengths, &g[k])
        };
        sim.push(SimYear {
            by_key,
            logsum: if logit { logsum } else { f64::NAN },
            roh,
            co2_base_t: co2(0, fb),
            co2_policy_t: co2(1, fp),
            induced_t: induced_t(fp) - induced_t(fb),
            om_open: setup
                .om_link
                .iter()
                .map(|l| l.is_none_or(|l| fp.links[l][3] > 0.0))
                .collect(),
        });
    }

    // Appraisal years: simulated, held or grown past the horizon, zero before it.
    let rate = a.discount_rate.value(ua);
    let fin_rate = a.financial_discount_rate.value(ua);
    let growth = a.growth_after_horizon.value(ua);
    let last_sim = *setup
        .sim_years
        .last()
        .expect("compare checks the years overlap");
    let first_sim = setup.sim_years[0];
    let n_years = (a.last_year - a.first_year + 1) as usize;
    let nk = setup.n_keys();
    let mut by_key_years: Vec<Vec<f64>> = vec![vec![0.0; nk]; n_years];
    let mut years = vec![[0.0; YEAR_LINES.len()]; n_years];
    let carbon = |year: i32| carbon_price(a, year, ua);
    let capital_total: Vec<f64> = a
        .capital
        .iter()
        .map(|c| c.cost_musd.value(ua) * 1e6 * (1.0 + c.overrun.value(ua)))
        .collect();
    for (t, year) in setup.appraisal_years().enumerate() {
        let line = &mut years[t];
        let bk = &mut by_key_years[t];
        let (src, factor) = if year < first_sim {
            (None, 0.0)
        } else if year <= last_sim {
            (Some((year - first_sim) as usize), 1.0)
        } else {
            (
                Some(setup.sim_years.len() - 1),
                (1.0 + growth).powi(year - last_sim),
            )
        };
        if let Some(i) = src {
            let sy = &sim[i];
            for (x, v) in bk.iter_mut().zip(&sy.by_key) {
                *x += factor * v;
            }
            line[4] = factor * sy.logsum / 1e6;
            line[5] = factor * sy.roh / 1e6;
            let dco2 = factor * (sy.co2_policy_t - sy.co2_base_t);
            line[10] = dco2 / 1e3;
            line[17] = factor * sy.co2_base_t / 1e3;
            line[18] = factor * sy.co2_policy_t / 1e3;
            line[19] = factor * sy.induced_t / 1e3;
            bk[setup.key(Stakeholder::Environment, setup.world())] -= dco2 * carbon(year);
        }
        // Benefits before costs are added: shippers, producers, governments, environment.
        let stake_sum = |bk: &[f64], s: Stakeholder| -> f64 {
            let n = setup.countries.len();
            bk[s as usize * n..(s as usize + 1) * n].iter().sum()
        };
        line[3] = stake_sum(bk, Stakeholder::Shippers) / 1e6;
        line[6] = stake_sum(bk, Stakeholder::Operators) / 1e6;
        line[7] = stake_sum(bk, Stakeholder::Owner) / 1e6;
        line[8] = stake_sum(bk, Stakeholder::Government) / 1e6;
        line[9] = stake_sum(bk, Stakeholder::Environment) / 1e6;
        line[11] = line[3] + line[6] + line[7] + line[8] + line[9];
        // Capital, residual value (straight line over the asset's life, credited in the
        // last year, EU 2014 guide A7), O&M.
        for (i, c) in a.capital.iter().enumerate() {
            let key = setup.key(c.stakeholder, setup.capital_country[i]);
            for (y, share) in c.years.iter().zip(&c.shares) {
                if *y == year {
                    let v = capital_total[i] * share;
                    line[0] += v / 1e6;
                    bk[key] -= v;
                }
            }
            if year == a.last_year {
                let built = *c.years.iter().max().unwrap_or(&year);
                let used = (year - built) as f64;
                let left = (1.0 - used / c.life_years).clamp(0.0, 1.0);
                let v = capital_total[i] * left;
                line[2] += v / 1e6;
                bk[key] += v;
            }
        }
        for (i, o) in a.operating.iter().enumerate() {
            if year < o.from_year || year > o.until_year {
                continue;
            }
            let open = match src {
                Some(si) => sim[si].om_open[i],
                None => setup.om_link[i].is_none(),
            };
            if open {
                let v = o.musd_per_year.value(ua) * 1e6;
                line[1] += v / 1e6;
                bk[setup.key(o.stakeholder, setup.om_country[i])] -= v;
            }
        }
        line[12] = line[0] + line[1] - line[2];
        line[13] = bk.iter().sum::<f64>() / 1e6;
    }
    // Discounting.
    let net: Vec<f64> = years.iter().map(|l| l[13]).collect();
    let benefits: Vec<f64> = years.iter().map(|l| l[11]).collect();
    let costs: Vec<f64> = years.iter().map(|l| l[12]).collect();
    let capital_net: Vec<f64> = years.iter().map(|l| l[0] - l[2]).collect();
    let om: Vec<f64> = years.iter().map(|l| l[1]).collect();
    let mut df = 1.0;
    let mut cum = 0.0;
    for l in years.iter_mut() {
        l[14] = df;
        l[15] = l[13] * df;
        cum += l[15];
        l[16] = cum;
        df /= 1.0 + rate;
    }
    let owner: Vec<f64> = by_key_years
        .iter()
        .map(|bk| {
            let n = setup.countries.len();
            let o = Stakeholder::Owner as usize;
            bk[o * n..(o + 1) * n].iter().sum::<f64>() / 1e6
        })
        .collect();
    let stake_pv: Vec<f64> = (0..nk)
        .map(|k| {
            let series: Vec<f64> = by_key_years.iter().map(|bk| bk[k] / 1e6).collect();
            npv(rate, &series)
        })
        .collect();
    let enpv = npv(rate, &net);
    let pv_b = npv(rate, &benefits);
    let pv_c = npv(rate, &costs);
    let co2_total: f64 = years.iter().map(|l| l[10]).sum();
    RepOut {
        headline: [
            enpv,
            irr(&net),
            if pv_c > 0.0 { pv_b / pv_c } else { f64::NAN },
            npv(fin_rate, &owner),
            irr(&owner),
            payback_index(rate, &net).map_or(f64::NAN, |t| (a.first_year + t as i32) as f64),
            pv_b,
            pv_c,
            co2_total,
            npv(rate, &years.iter().map(|l| l[5]).collect::<Vec<_>>()),
        ],
        npv_at_rates: a.sensitivity_rates.iter().map(|r| npv(*r, &net)).collect(),
        pv_capital: npv(rate, &capital_net),
        pv_om: npv(rate, &om),
        stake_pv,
        years,
    }
}

/// The carbon price (USD/tCO2e) of `year`: linear between the path's points, flat
/// outside them.
pub fn carbon_price(a: &Appraisal, year: i32, u: Option<&[f64]>) -> f64 {
    let p = &a.carbon_price;
    if p.is_empty() {
        return 0.0;
    }
    if year <= p[0].0 {
        return p[0].1.value(u);
    }
    for w in p.windows(2) {
        let ((y0, p0), (y1, p1)) = (&w[0], &w[1]);
        if year <= *y1 {
            let x = (year - y0) as f64 / (y1 - y0) as f64;
            return p0.value(u) + x * (p1.value(u) - p0.value(u));
        }
    }
    p[p.len() - 1].1.value(u)
}
