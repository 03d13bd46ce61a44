//! Chart 1: freight carried by each corridor over the years, mean lines with
//! 25-75% and 5-95% bands over replications.

use plotters::prelude::*;

use super::bands::{self, BandChart, BandSeries};
use super::style::*;
use crate::model::Scenario;
use crate::results::Results;

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let series = s
        .corridors
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let data = corridor_series(r, &c.id, "tonnes");
            let carries = data.iter().any(|(_, st)| st.mean > 0.0 || st.p[4] > 0.0);
            BandSeries {
                label: if carries {
                    c.name.clone()
                } else {
                    format!("{} (no freight)", c.name)
                },
                color: corridor_color(s, i),
                data,
                emphasis: c.new,
            }
        })
        .collect();
    let chart = BandChart {
        title: format!(
            "Freight carried by corridor, {}–{}",
            s.first_year, s.last_year
        ),
        subtitle: vec![band_sentence(r)],
        quantity: "Freight carried".into(),
        legend_heading: "Corridor".into(),
        series,
        overlay: None,
    };
    bands::draw(root, s, r, &chart)
}
