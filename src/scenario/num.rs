//! Numeric inputs that may be uncertain: a number, or a distribution table.
//!
//! In a scenario file any numeric input can be written as `capacity_tpy = 5e6` or as
//! `capacity_tpy = { dist = "triangular", min = 3e6, mode = 5e6, max = 6e6 }`.
//! `RawNum` mirrors that; `Param` is the validated form the model holds.

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

use crate::distributions::{Dist, Z90};

/// A number or a distribution table, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Num {
    Fixed(f64),
    Dist(Box<RawDist>),
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NumVisitor;
        impl<'de> Visitor<'de> for NumVisitor {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number, or a distribution table such as \
                     { dist = \"triangular\", min = 1, mode = 2, max = 4 }",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num::Fixed(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Num, A::Error> {
                let raw = RawDist::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Num::Dist(Box::new(raw)))
            }
        }
        d.deserialize_any(NumVisitor)
    }
}

/// The schema mirrors the hand-written `Deserialize` above: a number, or a
/// distribution table (`RawDist`). Written as the table's schema with `type` widened to
/// number-or-object (`properties` and `additionalProperties` constrain objects only), so
/// that an editor completes and names a misspelt key inside the table instead of
/// reporting that no alternative of an `anyOf` matched.
impl JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Num".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = RawDist::json_schema(generator);
        schema.insert("type".into(), serde_json::json!(["number", "object"]));
        schema.insert(
            "description".into(),
            "A number, or a distribution table such as { dist = \"triangular\", min = 1, \
             mode = 2, max = 4 } drawn once per replication."
                .into(),
        );
        schema
    }
}

/// A distribution table as written; which fields are needed depends on `dist`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    /// Distribution kind: uniform (min, max), triangular and pert (min, mode, max), normal (mean, sd, optional min/max truncation), lognormal (median, p90; or mu, sigma), discrete (values, probs). Required.
    #[schemars(extend("enum" = DIST_NAMES))]
    pub dist: Option<String>,
    /// Lower bound (uniform, triangular, pert; truncation of normal), in the unit of the key.
    pub min: Option<f64>,
    /// Upper bound (uniform, triangular, pert; truncation of normal), in the unit of the key.
    pub max: Option<f64>,
    /// Most likely value (triangular, pert), in the unit of the key.
    pub mode: Option<f64>,
    /// Mean (normal), in the unit of the key.
    pub mean: Option<f64>,
    /// Standard deviation (normal), > 0, in the unit of the key.
    pub sd: Option<f64>,
    /// Median (lognormal), > 0, in the unit of the key.
    pub median: Option<f64>,
    /// 90th percentile (lognormal), > median, in the unit of the key.
    pub p90: Option<f64>,
    /// Mean of ln X (lognormal, instead of median and p90).
    pub mu: Option<f64>,
    /// Standard deviation of ln X (lognormal, instead of median and p90), > 0.
    pub sigma: Option<f64>,
    /// Possible values (discrete), in the unit of the key.
    pub values: Option<Vec<f64>>,
    /// Probabilities of the values (discrete), each 0-1, summing to 1.
    pub probs: Option<Vec<f64>>,
    /// Parameters with the same `share` name take one common draw (they move together).
    pub share: Option<String>,
}

/// The distribution kinds a file may name, for messages and suggestions.
pub const DIST_NAMES: [&str; 6] = [
    "uniform",
    "triangular",
    "normal",
    "lognormal",
    "pert",
    "discrete",
];

/// A validated numeric input: fixed, or drawn from `dist` with uniform number `slot`.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Fixed(f64),
    Random { dist: Dist, slot: usize },
}

impl Param {
    /// The value for one replication's uniforms, or the nominal (median) value.
    #[inline]
    pub fn value(&self, uniforms: Option<&[f64]>) -> f64 {
        match self {
            Param::Fixed(v) => *v,
            Param::Random { dist, slot } => match uniforms {
                Some(u) => dist.quantile(u[*slot]),
                None => dist.median(),
            },
        }
    }

    /// The nominal value (the median of a distribution).
    pub fn nominal(&self) -> f64 {
        self.value(None)
    }

    /// The range of values this input can take.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Param::Fixed(v) => (*v, *v),
            Param::Random { dist, .. } => dist.support(),
        }
    }

    pub fn is_random(&self) -> bool {
        matches!(self, Param::Random { .. })
    }
}

/// Turns a raw distribution into a `Dist`, or says what is wrong with it.
pub fn build_dist(raw: &RawDist) -> Result<Dist, String> {
    let name = raw.dist.as_deref().ok_or_else(|| {
        format!(
            "a distribution table needs `dist`, one of {}",
            DIST_NAMES.join(", ")
        )
    })?;
    let need = |v: Option<f64>, key: &str| -> Result<f64, String> {
        match v {
            Some(x) if x.is_finite() => Ok(x),
            Some(x) => Err(format!("`{key}` must be a finite number, found {x}")),
            None => Err(format!("a `{name}` distribution needs `{key}`")),
        }
    };
    let ordered = |min: f64, mode: f64, max: f64| -> Result<(), String> {
        if min <= mode && mode <= max && min < max {
            Ok(())
        } else {
            Err(format!(
                "needs min <= mode <= max with min < max, found min = {min}, mode = {mode}, max = {max}"
            ))
        }
    };
    match name {
        "uniform" => {
            let (min, max) = (need(raw.min, "min")?, need(raw.max, "max")?);
            if min >= max {
                return Err(format!("needs min < max, found min = {min}, max = {max}"));
            }
            Ok(Dist::Uniform { min, max })
        }
        "triangular" | "pert" => {
            let (min, mode, max) = (
                need(raw.min, "min")?,
                need(raw.mode, "mode")?,
                need(raw.max, "max")?,
            );
            ordered(min, mode, max)?;
            Ok(if name == "pert" {
                Dist::Pert { min, mode, max }
            } else {
                Dist::Triangular { min, mode, max }
            })
        }
        "normal" => {
            let (mean, sd) = (need(raw.mean, "mean")?, need(raw.sd, "sd")?);
            if sd <= 0.0 {
                return Err(format!("`sd` must be > 0, found {sd}"));
            }
            let lower = raw.min.unwrap_or(f64::NEG_INFINITY);
            let upper = raw.max.unwrap_or(f64::INFINITY);
            if lower >= upper || lower.is_nan() || upper.is_nan() {
                return Err(format!(
                    "truncation needs min < max, found min = {lower}, max = {upper}"
                ));
            }
            Ok(Dist::Normal {
                mean,
                sd,
                lower,
                upper,
            })
        }
        "lognormal" => {
            if raw.median.is_some() || raw.p90.is_some() {
                let (median, p90) = (need(raw.median, "median")?, need(raw.p90, "p90")?);
                if median <= 0.0 || p90 <= median {
                    return Err(format!(
                        "needs 0 < median < p90 (percentiles in order), found median = {median}, p90 = {p90}"
                    ));
                }
                Ok(Dist::LogNormal {
                    mu: median.ln(),
                    sigma: (p90 / median).ln() / Z90,
                })
            } else {
                let (mu, sigma) = (need(raw.mu, "mu")?, need(raw.sigma, "sigma")?);
                if sigma <= 0.0 {
                    return Err(format!("`sigma` must be > 0, found {sigma}"));
                }
                Ok(Dist::LogNormal { mu, sigma })
            }
        }
        "discrete" => {
            let values = raw
                .values
                .clone()
                .ok_or("a `discrete` distribution needs `values`")?;
            let probs = raw
                .probs
                .clone()
                .ok_or("a `discrete` distribution needs `probs`")?;
            if values.is_empty() || values.len() != probs.len() {
                return Err(format!(
                    "`values` and `probs` must be non-empty and of equal length, found {} and {}",
                    values.len(),
                    probs.len()
                ));
            }
            if let Some(v) = values.iter().find(|v| !v.is_finite()) {
                return Err(format!("`values` must be finite numbers, found {v}"));
            }
            if let Some(p) = probs.iter().find(|p| !(0.0..=1.0).contains(*p)) {
                return Err(format!("probabilities must lie in 0..1, found {p}"));
            }
            let total: f64 = probs.iter().sum();
            if (total - 1.0).abs() > 1e-6 {
                return Err(format!("`probs` must sum to 1, found {total}"));
            }
            let mut acc = 0.0;
            let cumulative = probs
                .iter()
                .map(|p| {
                    acc += p / total;
                    acc
                })
                .collect();
            Ok(Dist::Discrete { values, cumulative })
        }
        other => Err(format!(
            "unknown distribution `{other}`{}; expected one of {}",
            crate::scenario::suggest::did_you_mean(other, &DIST_NAMES),
            DIST_NAMES.join(", ")
        )),
    }
}
