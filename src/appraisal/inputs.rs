//! The `[appraisal]` section: read from the policy scenario's file (or the first file of
//! its `base` chain that has one), checked, and turned into `Appraisal` with defaults.
//!
//! Every number may be a distribution. The appraisal's draws have names of their own
//! (`appraisal.<item>.<key>`, or `share.<name>` for a shared draw) and take their
//! uniforms from the same named ChaCha8 streams as the scenario's inputs
//! (`runner::named_uniforms`), so they are reproducible, independent of the thread
//! count, and shared with any scenario input of the same `share` name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::model::{Mode, Scenario};
use crate::scenario::num::{Num, Param, build_dist};
use crate::scenario::problem::{Location, Problem, Problems};
use crate::scenario::raw::{RawAppraisal, RawModeValues};

/// Who carries a cash flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stakeholder {
    /// Shippers and consignees: the change in consumer surplus.
    Shippers,
    /// Owners and operators of the existing links: tariff margins.
    Operators,
    /// The new corridor's owner: margins on its links, fees at its nodes, its costs.
    Owner,
    /// Governments: border and transit fees.
    Government,
    /// The climate: CO2e valued at the carbon price.
    Environment,
}

impl Stakeholder {
    pub const ALL: [Stakeholder; 5] = [
        Stakeholder::Shippers,
        Stakeholder::Operators,
        Stakeholder::Owner,
        Stakeholder::Government,
        Stakeholder::Environment,
    ];
    pub const NAMES: [&'static str; 5] = [
        "shippers",
        "operators",
        "owner",
        "government",
        "environment",
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Stakeholder> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Self::ALL[i])
    }
}

/// A capital cost item: `cost_musd * (1 + overrun)`, spent over `years` in `shares`.
#[derive(Debug, Clone, PartialEq)]
pub struct CapitalItem {
    pub id: String,
    pub name: String,
    pub stakeholder: Stakeholder,
    pub country: String,
    pub cost_musd: Param,
    pub overrun: Param,
    pub years: Vec<i32>,
    pub shares: Vec<f64>,
    pub life_years: f64,
}

/// A yearly operating and maintenance cost.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatingItem {
    pub id: String,
    pub stakeholder: Stakeholder,
    pub country: String,
    pub musd_per_year: Param,
    pub from_year: i32,
    pub until_year: i32,
    /// Charged only in years this link (by id) is open in the policy run.
    pub link: Option<String>,
}

/// A named set of links (by id) whose share of each country's trade is reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Chokepoint {
    pub id: String,
    pub name: String,
    pub links: Vec<String>,
    pub corridors: Vec<String>,
}

/// The validated appraisal inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Appraisal {
    /// Real economic discount rate (fraction per year).
    pub discount_rate: Param,
    /// Real financial discount rate for the owner's cash flows.
    pub financial_discount_rate: Param,
    /// EIRR below this counts as failing.
    pub hurdle_rate: f64,
    /// Further economic rates the ENPV is reported at.
    pub sensitivity_rates: Vec<f64>,
    /// Prices are constant prices of this year (a label: inputs must be in its prices).
    pub price_base_year: i32,
    /// Year 0 of discounting and the first appraisal year.
    pub first_year: i32,
    pub last_year: i32,
    /// Yearly growth of benefits past the simulated horizon (0: held).
    pub growth_after_horizon: Param,
    /// Nodes (by id) whose border fee goes to the new corridor's owner.
    pub owner_nodes: Vec<String>,
    /// Share of link tariffs that is the carrier's resource cost, by mode
    /// (`Mode::ALL` order); the rest is the owner's or operator's margin.
    pub variable_cost_share: [Param; 4],
    /// Well-to-wheel gCO2e per tonne-km by mode (`Mode::ALL` order).
    pub co2e_g_per_tkm: [Param; 4],
    /// Per-link intensities (link id, gCO2e per tonne-km).
    pub link_co2e: Vec<(String, Param)>,
    /// Carbon price path: (year, USD per tCO2e), sorted by year, linear in between and
    /// held flat outside.
    pub carbon_price: Vec<(i32, Param)>,
    pub capital: Vec<CapitalItem>,
    pub operating: Vec<OperatingItem>,
    pub chokepoints: Vec<Chokepoint>,
    /// One name per draw slot of the appraisal's own uniforms.
    pub draw_keys: Vec<String>,
}

/// Defaults with their sources (docs/MODEL.md, "Appraisal").
pub mod defaults {
    /// ADB (2017) minimum EIRR for transport, real (research sheet A1, A3).
    pub const DISCOUNT_RATE: f64 = 0.09;
    /// EU 2014 CBA guide financial discount rate, real (A7).
    pub const FINANCIAL_DISCOUNT_RATE: f64 = 0.04;
    /// ADB 6%, EU 5% and 3%, regional development banks 12% (A1, A7, A5).
    pub const SENSITIVITY_RATES: [f64; 4] = [0.03, 0.05, 0.06, 0.12];
    /// EU 2014 reference period for rail: 30 years (A7).
    pub const PERIOD_YEARS: i32 = 30;
    /// Well-to-wheel gCO2e per tonne-km, `Mode::ALL` order (rail, road, ferry, sea):
    /// rail 25 (diesel train, EcoTransIT via Green Cargo 2014, A39: 40 tkm per kg);
    /// road 102.7 (articulated HGV > 33 t, 84.7 TTW + 18.0 WTT, Defra 2012, A32);
    /// ferry 60 (small Ro-Ro, Defra 2007, A33); sea 8.15 (container ship average,
    /// GLEC v3.2 WTW as quoted by EcoFreight 2026, A31).
    pub const CO2E_G_PER_TKM: [f64; 4] = [25.0, 102.7, 60.0, 8.15];
    /// Carrier resource cost as a share of the tariff (ASSUMPTION, see docs/MODEL.md):
    /// competitive trucking and shipping are priced near cost, rail less so.
    pub const VARIABLE_COST_SHARE: [f64; 4] = [0.7, 0.9, 0.8, 0.9];
    /// World Bank (2017) shadow price of carbon, low path: 40 USD in 2020, 50 in 2030
    /// (A22, read), 78 in 2050 (the same guidance note, not read here).
    pub const CARBON_PRICE: [(i32, f64); 3] = [(2020, 40.0), (2030, 50.0), (2050, 78.0)];
}

/// Why the appraisal inputs cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
    #[error(
        "{0} has no [appraisal] section (nor has any file of its `base` chain); add one (docs/FORMAT.md, \"Appraisal\")"
    )]
    Missing(String),
}

/// Finds the `[appraisal]` section in `files` (leaf first) and validates it against the
/// policy scenario.
pub fn load(
    files: &[PathBuf],
    base: &Scenario,
    policy: &Scenario,
) -> Result<Appraisal, InputError> {
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| {
            InputError::Invalid(vec![Problem {
                severity: crate::scenario::problem::Severity::Error,
                location: Location {
                    file: file.clone(),
                    ..Location::default()
                },
                key: String::new(),
                message: format!("cannot read the file: {e}"),
            }])
        })?;
        // The scenario loader has already parsed this file, so errors here are unlikely.
        let Ok(raw) = crate::scenario::raw::read_raw(&text) else {
            continue;
        };
        if let Some(section) = raw.appraisal {
            return from_raw(file, &text, &section, base, policy);
        }
    }
    Err(InputError::Missing(
        files
            .first()
            .map(|f| f.display().to_string())
            .unwrap_or_default(),
    ))
}

/// Validates one `[appraisal]` section written in `file`.
pub fn from_raw(
    file: &Path,
    text: &str,
    section: &Spanned<RawAppraisal>,
    base: &Scenario,
    policy: &Scenario,
) -> Result<Appraisal, InputError> {
    let mut cx = Cx {
        file: file.to_path_buf(),
        text,
        section_at: section.span().start,
        problems: Problems::default(),
        draw_keys: Vec::new(),
        shares: HashMap::new(),
    };
    let r = section.get_ref();
    let top = cx.loc_key("discount_rate");
    let discount_rate = cx.param_or(
        &r.discount_rate,
        &top,
        "appraisal.discount_rate",
        Range::Rate,
        defaults::DISCOUNT_RATE,
    );
    let fin_loc = cx.loc_key("financial_discount_rate");
    let financial_discount_rate = cx.param_or(
        &r.financial_discount_rate,
        &fin_loc,
        "appraisal.financial_discount_rate",
        Range::Rate,
        defaults::FINANCIAL_DISCOUNT_RATE,
    );
    let hurdle_rate = r.hurdle_rate.unwrap_or(discount_rate.nominal());
    if !(-0.5..=1.0).contains(&hurdle_rate) {
        let loc = cx.loc_key("hurdle_rate");
        cx.problems.error(
            &loc,
            "appraisal.hurdle_rate",
            format!("is a yearly rate as a fraction (0.09 = 9%), between -0.5 and 1; found {hurdle_rate}"),
        );
    }
    let sensitivity_rates = r
        .sensitivity_rates
        .clone()
        .unwrap_or_else(|| defaults::SENSITIVITY_RATES.to_vec());
    if let Some(bad) = sensitivity_rates
        .iter()
        .find(|v| !(-0.5..=1.0).contains(*v))
    {
        let loc = cx.loc_key("sensitivity_rates");
        cx.problems.error(
            &loc,
            "appraisal.sensitivity_rates",
            format!("rates are fractions (0.06 = 6%) between -0.5 and 1; found {bad}"),
        );
    }
    let first_year = r
        .first_year
        .unwrap_or(policy.first_year.max(base.first_year));
    let last_year = r
        .last_year
        .unwrap_or(first_year + defaults::PERIOD_YEARS - 1);
    if !(1800..=2300).contains(&first_year) || !(first_year..=first_year + 200).contains(&last_year)
    {
        let loc = cx.loc_key("last_year");
        cx.problems.error(
            &loc,
            "appraisal.last_year",
            format!(
                "the appraisal period runs from first_year to last_year (at most 200 years, years 1800-2300); found {first_year}-{last_year}"
            ),
        );
    }
    let price_base_year = r.price_base_year.unwrap_or(policy.base_year);
    let g_loc = cx.loc_key("growth_after_horizon");
    let growth_after_horizon = cx.param_or(
        &r.growth_after_horizon,
        &g_loc,
        "appraisal.growth_after_horizon",
        Range::Rate,
        0.0,
    );
    let owner_nodes = r.owner_nodes.clone().unwrap_or_default();
    for n in &owner_nodes {
        if !policy.nodes.iter().any(|x| x.id == *n) {
            let loc = cx.loc_key("owner_nodes");
            cx.problems.error(
                &loc,
                "appraisal.owner_nodes",
                format!("no node `{n}` in the policy scenario; list node ids whose border fee the new corridor's owner collects"),
            );
        }
    }
    let vcs_loc = cx.loc_key("variable_cost_share");
    let variable_cost_share = cx.modes(
        &r.variable_cost_share,
        &vcs_loc,
        "appraisal.variable_cost_share",
        Range::Fraction,
        defaults::VARIABLE_COST_SHARE,
    );
    let co2_loc = cx.loc_key("co2e_g_per_tkm");
    let co2e_g_per_tkm = cx.modes(
        &r.co2e_g_per_tkm,
        &co2_loc,
        "appraisal.co2e_g_per_tkm",
        Range::NonNegative,
        defaults::CO2E_G_PER_TKM,
    );
    let mut link_co2e = Vec::new();
    for (i, item) in r.link_co2e.iter().enumerate() {
        let loc = cx.loc_span(item.span().start);
        let v = item.get_ref();
        let key = format!("appraisal.link_co2e[{i}]");
        let Some(link) = v.link.clone() else {
            cx.problems.error(
                &loc,
                format!("{key}.link"),
                "missing required key; add link = \"<link id>\"",
            );
            continue;
        };
        if !policy.links.iter().any(|l| l.id == link) {
            cx.problems.error(
                &loc,
                format!("{key}.link"),
                format!("no link `{link}` in the policy scenario"),
            );
        }
        let name = format!("appraisal.link_co2e.{link}");
        match cx.param(
            &v.g_per_tkm,
            &loc,
            &format!("{key}.g_per_tkm"),
            Range::NonNegative,
            &name,
        ) {
            Some(p) => link_co2e.push((link, p)),
            None if v.g_per_tkm.is_none() => cx.problems.error(
                &loc,
                format!("{key}.g_per_tkm"),
                "missing required key; add g_per_tkm = <gCO2e per tonne-km>",
            ),
            None => {}
        }
    }
    let mut carbon_price = Vec::new();
    for (i, item) in r.carbon_price.iter().enumerate() {
        let loc = cx.loc_span(item.span().start);
        let v = item.get_ref();
        let key = format!("appraisal.carbon_price[{i}]");
        let Some(year) = v.year.filter(|y| (1800..=2300).contains(y)) else {
            cx.problems.error(
                &loc,
                format!("{key}.year"),
                "needs year = <a year between 1800 and 2300>",
            );
            continue;
        };
        let name = format!("appraisal.carbon_price.{year}");
        match cx.param(
            &v.usd_per_t,
            &loc,
            &format!("{key}.usd_per_t"),
            Range::NonNegative,
            &name,
        ) {
            Some(p) => carbon_price.push((year, p)),
            None if v.usd_per_t.is_none() => cx.problems.error(
                &loc,
                format!("{key}.usd_per_t"),
                "missing required key; add usd_per_t = <USD per tCO2e>",
            ),
            None => {}
        }
    }
    if r.carbon_price.is_empty() {
        carbon_price = defaults::CARBON_PRICE
            .iter()
            .map(|(y, p)| (*y, Param::Fixed(*p)))
            .collect();
    }
    carbon_price.sort_by_key(|(y, _)| *y);
    if carbon_price.windows(2).any(|w| w[0].0 == w[1].0) {
        let loc = cx.loc_key("carbon_price");
        cx.problems.error(
            &loc,
            "appraisal.carbon_price",
            "two points of the carbon price path have the same year; keep one",
        );
    }
    let mut ids: Vec<String> = Vec::new();
    let mut capital = Vec::new();
    for (i, item) in r.capital.iter().enumerate() {
        let loc = cx.loc_span(item.span().start);
        let v = item.get_ref();
        let key = format!("appraisal.capital[{i}]");
        let (id, stakeholder, country) = cx.payer(
            &mut ids,
            (&v.id, &v.stakeholder, &v.country),
            &loc,
            &key,
            format!("capital-{}", i + 1),
        );
        let cost = cx.param(
            &v.cost_musd,
            &loc,
            &format!("{key}.cost_musd"),
            Range::NonNegative,
            &format!("appraisal.{id}.cost_musd"),
        );
        if v.cost_musd.is_none() {
            cx.problems.error(
                &loc,
                format!("{key}.cost_musd"),
                "missing required key; add cost_musd = <million USD at price_base_year prices>",
            );
        }
        let overrun = cx
            .param(
                &v.overrun,
                &loc,
                &format!("{key}.overrun"),
                Range::Overrun,
                &format!("appraisal.{id}.overrun"),
            )
            .unwrap_or(Param::Fixed(0.0));
        let years = v.years.clone().unwrap_or_default();
        if years.is_empty() {
            cx.problems.error(
                &loc,
                format!("{key}.years"),
                "missing required key; add years = [<years the money is spent>]",
            );
        }
        if let Some(y) = years.iter().find(|y| **y < first_year || **y > last_year) {
            cx.problems.error(&loc, format!("{key}.years"), format!("{y} lies outside the appraisal period {first_year}-{last_year}; move it or widen first_year/last_year"));
        }
        let shares = v
            .shares
            .clone()
            .unwrap_or_else(|| vec![1.0 / years.len().max(1) as f64; years.len()]);
        if shares.len() != years.len()
            || shares.iter().any(|s| !(0.0..=1.0).contains(s))
            || (shares.iter().sum::<f64>() - 1.0).abs() > 1e-6
        {
            cx.problems.error(
                &loc,
                format!("{key}.shares"),
                format!(
                    "needs one share (0-1) per year, summing to 1; found {shares:?} for {} years",
                    years.len()
                ),
            );
        }
        let life_years = v.life_years.unwrap_or(f64::INFINITY);
        if life_years.is_nan() || life_years <= 0.0 {
            cx.problems.error(
                &loc,
                format!("{key}.life_years"),
                format!("must be greater than 0, found {life_years}"),
            );
        }
        if v.life_years.is_none() {
            cx.problems.error(&loc, format!("{key}.life_years"), "missing required key; add life_years = <economic life, years> (for the residual value)");
        }
        if let (Some(cost_musd), Some(stakeholder)) = (cost, stakeholder) {
            capital.push(CapitalItem {
                name: v.name.clone().unwrap_or_else(|| id.clone()),
                id,
                stakeholder,
                country,
                cost_musd,
                overrun,
                years,
                shares,
                life_years,
            });
        }
    }
    let mut operating = Vec::new();
    for (i, item) in r.operating.iter().enumerate() {
        let loc = cx.loc_span(item.span().start);
        let v = item.get_ref();
        let key = format!("appraisal.operating[{i}]");
        let (id, stakeholder, country) = cx.payer(
            &mut ids,
            (&v.id, &v.stakeholder, &v.country),
            &loc,
            &key,
            format!("operating-{}", i + 1),
        );
        let cost = cx.param(
            &v.musd_per_year,
            &loc,
            &format!("{key}.musd_per_year"),
            Range::NonNegative,
            &format!("appraisal.{id}.musd_per_year"),
        );
        if v.musd_per_year.is_none() {
            cx.problems.error(
                &loc,
                format!("{key}.musd_per_year"),
                "missing required key; add musd_per_year = <million USD a year>",
            );
        }
        if let Some(l) = &v.link
            && !policy.links.iter().any(|x| x.id == *l)
        {
            cx.problems.error(
                &loc,
                format!("{key}.link"),
                format!("no link `{l}` in the policy scenario"),
            );
        }
        if let (Some(musd_per_year), Some(stakeholder)) = (cost, stakeholder) {
            operating.push(OperatingItem {
                id,
                stakeholder,
                country,
                musd_per_year,
                from_year: v.from_year.unwrap_or(first_year),
                until_year: v.until_year.unwrap_or(last_year),
                link: v.link.clone(),
            });
        }
    }
    let mut chokepoints = Vec::new();
    for (i, item) in r.chokepoints.iter().enumerate() {
        let loc = cx.loc_span(item.span().start);
        let v = item.get_ref();
        let key = format!("appraisal.chokepoints[{i}]");
        let id =
            v.id.clone()
                .unwrap_or_else(|| format!("chokepoint-{}", i + 1));
        let links = v.links.clone().unwrap_or_default();
        let corridors = v.corridors.clone().unwrap_or_default();
        for l in &links {
            if !policy.links.iter().chain(&base.links).any(|x| x.id == *l) {
                cx.problems.error(
                    &loc,
                    format!("{key}.links"),
                    format!("no link `{l}` in either scenario"),
                );
            }
        }
        for c in &corridors {
            if !policy
                .corridors
                .iter()
                .chain(&base.corridors)
                .any(|x| x.id == *c)
            {
                cx.problems.error(
                    &loc,
                    format!("{key}.corridors"),
                    format!("no corridor `{c}` in either scenario"),
                );
            }
        }
        if links.is_empty() && corridors.is_empty() {
            cx.problems.error(
                &loc,
                key.clone(),
                "a chokepoint needs links = [...] or corridors = [...]",
            );
        }
        chokepoints.push(Chokepoint {
            name: v.name.clone().unwrap_or_else(|| id.clone()),
            id,
            links,
            corridors,
        });
    }
    if cx.problems.has_errors() {
        let mut list = std::mem::take(&mut cx.problems.list);
        for p in &mut list {
            cx.refine(p);
        }
        return Err(InputError::Invalid(list));
    }
    Ok(Appraisal {
        discount_rate,
        financial_discount_rate,
        hurdle_rate,
        sensitivity_rates,
        price_base_year,
        first_year,
        last_year,
        growth_after_horizon,
        owner_nodes,
        variable_cost_share,
        co2e_g_per_tkm,
        link_co2e,
        carbon_price,
        capital,
        operating,
        chokepoints,
        draw_keys: cx.draw_keys,
    })
}

#[derive(Clone, Copy)]
enum Range {
    /// A yearly rate: -0.5..1.
    Rate,
    NonNegative,
    Fraction,
    /// A cost overrun as a fraction of the estimate: > -1.
    Overrun,
}

impl Range {
    fn check(self, v: f64) -> Result<(), String> {
        let ok = v.is_finite()
            && match self {
                Range::Rate => (-0.5..=1.0).contains(&v),
                Range::NonNegative => v >= 0.0,
                Range::Fraction => (0.0..=1.0).contains(&v),
                Range::Overrun => v > -1.0 && v <= 100.0,
            };
        if ok {
            return Ok(());
        }
        Err(match self {
            Range::Rate => {
                format!("is a yearly rate as a fraction (0.09 = 9%), between -0.5 and 1; found {v}")
            }
            Range::NonNegative => format!("must be 0 or more, found {v}"),
            Range::Fraction => format!("must lie between 0 and 1, found {v}"),
            Range::Overrun => format!(
                "is a cost overrun as a fraction of the estimate (0.3 = 30% over), above -1; found {v}"
            ),
        })
    }
}

struct Cx<'t> {
    file: PathBuf,
    text: &'t str,
    section_at: usize,
    problems: Problems,
    draw_keys: Vec<String>,
    shares: HashMap<String, usize>,
}

impl Cx<'_> {
    fn loc_span(&self, at: usize) -> Location {
        Location::at(self.file.clone(), self.text, at)
    }

    /// Where `key = ...` is written in the section (the section's start if nowhere).
    fn loc_key(&self, key: &str) -> Location {
        let mut offset = self.section_at;
        for line in self.text[self.section_at.min(self.text.len())..].split_inclusive('\n') {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix(key)
                && rest.trim_start().starts_with('=')
            {
                return self.loc_span(offset + (line.len() - t.len()));
            }
            offset += line.len();
        }
        self.loc_span(self.section_at)
    }

    /// Points a problem about `appraisal.<list>[i].<field>` at the line of `field` inside
    /// that item, when written there (items are located at their header otherwise).
    fn refine(&self, p: &mut Problem) {
        let Some((_, field)) = p.key.rsplit_once("].") else {
            return;
        };
        let Some(line) = p.location.line else {
            return;
        };
        // The item runs from its header line to the next table header.
        let mut offset = 0;
        for (i, text) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 > line {
                let t = text.trim_start();
                if t.starts_with('[') {
                    return;
                }
                if let Some(rest) = t.strip_prefix(field)
                    && rest.trim_start().starts_with('=')
                {
                    p.location = self.loc_span(offset + (text.len() - t.len()));
                    return;
                }
            }
            offset += text.len();
        }
    }

    fn param(
        &mut self,
        num: &Option<Num>,
        loc: &Location,
        key: &str,
        range: Range,
        name: &str,
    ) -> Option<Param> {
        match num.as_ref()? {
            Num::Fixed(v) => match range.check(*v) {
                Ok(()) => Some(Param::Fixed(*v)),
                Err(msg) => {
                    self.problems.error(loc, key, msg);
                    None
                }
            },
            Num::Dist(raw) => {
                match build_dist(raw) {
                    Ok(dist) => {
                        let (lo, hi) = dist.support();
                        if let Some(msg) = [lo, hi]
                            .into_iter()
                            .filter(|v| v.is_finite())
                            .find_map(|v| range.check(v).err())
                        {
                            self.problems.error(
                                loc,
                                key,
                                format!("the distribution can give a value that {msg}"),
                            );
                            return None;
                        }
                        if !lo.is_finite() && matches!(range, Range::NonNegative | Range::Overrun) {
                            self.problems.error(loc, key, "an untruncated normal can go below the allowed range here; add `min`");
                            return None;
                        }
                        let slot = match &raw.share {
                            Some(share) => *self.shares.entry(share.clone()).or_insert_with(|| {
                                self.draw_keys.push(format!("share.{share}"));
                                self.draw_keys.len() - 1
                            }),
                            None => {
                                self.draw_keys.push(name.to_string());
                                self.draw_keys.len() - 1
                            }
                        };
                        Some(Param::Random { dist, slot })
                    }
                    Err(msg) => {
                        self.problems.error(loc, key, msg);
                        None
                    }
                }
            }
        }
    }

    fn param_or(
        &mut self,
        num: &Option<Num>,
        loc: &Location,
        key: &str,
        range: Range,
        default: f64,
    ) -> Param {
        let name = key.to_string();
        self.param(num, loc, key, range, &name)
            .unwrap_or(Param::Fixed(default))
    }

    fn modes(
        &mut self,
        raw: &Option<RawModeValues>,
        loc: &Location,
        key: &str,
        range: Range,
        default: [f64; 4],
    ) -> [Param; 4] {
        let empty = RawModeValues::default();
        let r = raw.as_ref().unwrap_or(&empty);
        let fields = [&r.rail, &r.road, &r.ferry, &r.sea];
        std::array::from_fn(|i| {
            let k = format!("{key}.{}", Mode::NAMES[i]);
            self.param(fields[i], loc, &k, range, &k)
                .unwrap_or(Param::Fixed(default[i]))
        })
    }

    /// The id, payer and country of a capital or operating item (`written`: its `id`,
    /// `stakeholder` and `country` as written), checking that the id is unique among
    /// `ids` (to which it is added) and that the country is given.
    fn payer(
        &mut self,
        ids: &mut Vec<String>,
        written: (&Option<String>, &Option<String>, &Option<String>),
        loc: &Location,
        key: &str,
        default_id: String,
    ) -> (String, Option<Stakeholder>, String) {
        let (id, stakeholder, country) = written;
        let id = id.clone().unwrap_or(default_id);
        if ids.contains(&id) {
            self.problems.error(
                loc,
                format!("{key}.id"),
                format!("the id `{id}` is used twice; give each item its own id"),
            );
        }
        ids.push(id.clone());
        let stakeholder = self.stakeholder(stakeholder, loc, key);
        let country = country.clone().unwrap_or_default();
        if country.is_empty() {
            self.problems.error(
                loc,
                format!("{key}.country"),
                "missing required key; add country = \"<country code>\" (who pays)",
            );
        }
        (id, stakeholder, country)
    }

    fn stakeholder(
        &mut self,
        v: &Option<String>,
        loc: &Location,
        key: &str,
    ) -> Option<Stakeholder> {
        let name = v.as_deref().unwrap_or("owner");
        let s = Stakeholder::parse(name);
        if s.is_none() || s == Some(Stakeholder::Shippers) || s == Some(Stakeholder::Environment) {
            self.problems.error(
                loc,
                format!("{key}.stakeholder"),
                format!("unknown payer `{name}`; costs are carried by \"owner\", \"operators\" or \"government\""),
            );
            return None;
        }
        s
    }
}
