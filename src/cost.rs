//! Generalized cost: what a tonne pays in money and time along a route.
//!
//! cost (USD/t) = link charges + border fees + transfer and port-handling charges
//!              + value of time (USD/t/h) x (running time + dwell times + congestion delay).
//!
//! Node costs depend on the two arcs a route joins at a node, so they are not additive
//! over links: `node_step` prices one node passage, and route generation searches over
//! arcs (a line graph) so that turn-dependent costs are exact.

use crate::model::{Bpr, Mode, Scenario};
use crate::network::{Arc, NodeValues};

/// Money and time spent at a node, per tonne.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Step {
    pub usd: f64,
    pub h: f64,
}

impl Step {
    pub fn cost(self, vot: f64) -> f64 {
        self.usd + vot * self.h
    }
}

/// The cost of passing node `n` between arcs `prev` and `next` (`None` at the ends).
///
/// - Border crossings charge their dwell and fee to every route that passes them.
/// - A change between a water mode (ferry, sea) and any other mode, or the start or end
///   of a water leg at a route's end, is port handling.
/// - Another change of mode is transshipment.
/// - Rail to rail with a different gauge is a gauge change (bogie exchange or transfer).
pub fn node_step(s: &Scenario, nv: &NodeValues, prev: Option<&Arc>, next: Option<&Arc>) -> Step {
    let mut step = Step::default();
    if prev.is_some() && next.is_some() {
        step.usd += nv.border_usd;
        step.h += nv.border_h;
    }
    match (prev, next) {
        (Some(a), Some(b)) => {
            if a.mode != b.mode {
                if a.mode.is_water() || b.mode.is_water() {
                    step.usd += nv.port_usd;
                    step.h += nv.port_h;
                } else {
                    step.usd += nv.transship_usd;
                    step.h += nv.transship_h;
                }
            } else if a.mode == Mode::Rail {
                let (ga, gb) = (s.links[a.link].gauge_mm, s.links[b.link].gauge_mm);
                if let (Some(ga), Some(gb)) = (ga, gb)
                    && ga != gb
                {
                    step.usd += nv.gauge_usd;
                    step.h += nv.gauge_h;
                }
            }
        }
        (None, Some(x)) | (Some(x), None) => {
            if x.mode.is_water() {
                step.usd += nv.port_usd;
                step.h += nv.port_h;
            }
        }
        (None, None) => {}
    }
    step
}

/// BPR travel time on an arc carrying `flow_tpy`: t0 (1 + alpha (x/c)^beta).
#[inline]
pub fn bpr_time_h(t0_h: f64, flow_tpy: f64, capacity_tpy: f64, bpr: Bpr) -> f64 {
    if bpr.alpha == 0.0 || !capacity_tpy.is_finite() || flow_tpy <= 0.0 {
        return t0_h;
    }
    t0_h * (1.0 + bpr.alpha * pow(flow_tpy / capacity_tpy, bpr.beta))
}

/// x^e, with multiplications for the small whole exponents BPR functions use.
#[inline]
fn pow(x: f64, e: f64) -> f64 {
    if e == 4.0 {
        let x2 = x * x;
        x2 * x2
    } else if e == 1.0 {
        x
    } else if e == e.trunc() && (0.0..=16.0).contains(&e) {
        x.powi(e as i32)
    } else {
        x.powf(e)
    }
}

/// d t / d x of the BPR function, for Newton-type flow shifts.
#[inline]
pub fn bpr_derivative(t0_h: f64, flow_tpy: f64, capacity_tpy: f64, bpr: Bpr) -> f64 {
    if bpr.alpha == 0.0 || !capacity_tpy.is_finite() || flow_tpy <= 0.0 || bpr.beta == 0.0 {
        return 0.0;
    }
    t0_h * bpr.alpha * bpr.beta * pow(flow_tpy / capacity_tpy, bpr.beta - 1.0) / capacity_tpy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bpr_at_capacity_adds_alpha() {
        let b = Bpr {
            alpha: 0.15,
            beta: 4.0,
        };
        assert!((bpr_time_h(10.0, 100.0, 100.0, b) - 11.5).abs() < 1e-12);
        assert!((bpr_time_h(10.0, 200.0, 100.0, b) - 10.0 * (1.0 + 0.15 * 16.0)).abs() < 1e-9);
        // Numerical derivative agrees.
        let h = 1e-3;
        let num = (bpr_time_h(10.0, 150.0 + h, 100.0, b) - bpr_time_h(10.0, 150.0 - h, 100.0, b))
            / (2.0 * h);
        assert!((num - bpr_derivative(10.0, 150.0, 100.0, b)).abs() < 1e-6);
    }
}
