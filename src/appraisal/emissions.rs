//! CO2e from tonne-km: each link's tonnes (both directions) times its length times its
//! well-to-wheel intensity (gCO2e per tonne-km): the link's own when
//! `[[appraisal.link_co2e]]` sets one, else its mode's (`appraisal.co2e_g_per_tkm`,
//! defaults in `inputs::defaults` with their sources). ISO 14083 / GLEC v3 report
//! well-to-wheel (research sheet §3b, A25, A31); tank-to-wheel figures are not mixed in.

use crate::appraisal::inputs::Appraisal;
use crate::model::Scenario;

/// Each link's intensity (gCO2e per tonne-km) for one replication's appraisal uniforms.
pub fn link_intensities(a: &Appraisal, s: &Scenario, u: Option<&[f64]>) -> Vec<f64> {
    s.links
        .iter()
        .map(|l| {
            a.link_co2e
                .iter()
                .find(|(id, _)| *id == l.id)
                .map(|(_, p)| p.value(u))
                .unwrap_or_else(|| a.co2e_g_per_tkm[l.mode as usize].value(u))
        })
        .collect()
}

/// Tonnes of CO2e of one year: sum over links of tonnes x km x g/tkm / 1e6.
pub fn co2e_t(link_tonnes: &[f64], length_km: &[f64], g_per_tkm: &[f64]) -> f64 {
    link_tonnes
        .iter()
        .zip(length_km)
        .zip(g_per_tkm)
        .map(|((t, km), g)| t * km * g)
        .sum::<f64>()
        / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn co2_is_tonne_km_times_intensity() {
        // 1 Mt over 500 km of road at 102.7 g/tkm and 2 Mt over 800 km of rail at 25:
        // 5e8 tkm x 102.7 g = 51,350 t; 1.6e9 tkm x 25 g = 40,000 t.
        let t = co2e_t(&[1e6, 2e6], &[500.0, 800.0], &[102.7, 25.0]);
        assert!((t - 91_350.0).abs() < 1e-6, "{t}");
    }
}
