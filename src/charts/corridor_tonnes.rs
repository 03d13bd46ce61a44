//! Chart 1: freight carried by each corridor over the years, mean lines with
//! 25-75% and 5-95% bands over replications. Corridors that carry nothing in any year
//! are left out (and counted in the subtitle); corridors that carry most of the demand
//! in every year (see [`dominant_corridors`]) get a panel of their own above, on their
//! own scale.

use plotters::prelude::*;

use super::bands::{self, BandChart, BandSeries};
use super::style::*;
use crate::model::Scenario;
use crate::results::Results;

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let (active, idle) = active_corridors(s, r);
    let dominant = dominant_corridors(s, r);
    let make = |i: usize| {
        let c = &s.corridors[i];
        BandSeries {
            label: c.name.clone(),
            color: corridor_color(s, i),
            data: corridor_series(r, &c.id, "tonnes"),
            emphasis: c.new,
        }
    };
    let series = active
        .iter()
        .filter(|i| !dominant.contains(i))
        .map(|&i| make(i))
        .collect();
    let upper: Vec<BandSeries> = dominant.iter().map(|&i| make(i)).collect();
    let mut subtitle = vec![band_sentence(r)];
    if !upper.is_empty() {
        let names: Vec<String> = upper.iter().map(|u| u.label.clone()).collect();
        subtitle.push(format!(
            "{} carr{} most of the demand and {} drawn above on {} own scale.",
            join_names(&names),
            if names.len() == 1 { "ies" } else { "y" },
            if names.len() == 1 { "is" } else { "are" },
            if names.len() == 1 { "its" } else { "their" },
        ));
    }
    subtitle.extend(idle_note(idle));
    let chart = BandChart {
        title: format!(
            "Freight carried by corridor, {}–{}",
            s.first_year, s.last_year
        ),
        subtitle,
        quantity: "Freight carried".into(),
        legend_heading: "Corridor (largest first)".into(),
        series,
        upper,
        overlay: active
            .is_empty()
            .then(|| "No corridor carries freight in any year".to_string()),
    };
    bands::draw(root, s, r, &chart)
}
