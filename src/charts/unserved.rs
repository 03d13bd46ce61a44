//! Chart 7: demand that no route could serve, by year, with bands over replications.
//! Not drawn when no demand is left unserved (the report says so instead).

use plotters::prelude::*;

use super::bands::{self, BandChart, BandSeries};
use super::style::*;
use crate::model::Scenario;
use crate::results::Results;

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let data = corridor_series(r, "unserved", "tonnes");
    let shares = corridor_series(r, "unserved", "share");
    let none = data.iter().all(|(_, st)| !(st.p[4] > 0.0 || st.mean > 0.0));
    let mut subtitle = vec![band_sentence(r)];
    if !none {
        let worst = shares
            .iter()
            .filter(|(_, st)| st.mean.is_finite())
            .max_by(|a, b| a.1.mean.total_cmp(&b.1.mean));
        if let Some((y, st)) = worst {
            subtitle.push(format!(
                "Largest mean share of demand unserved: {} in {y}.",
                fmt_pct(st.mean)
            ));
        }
    }
    let chart = BandChart {
        title: format!("Demand left unserved, {}–{}", s.first_year, s.last_year),
        subtitle,
        quantity: "Unserved demand".into(),
        legend_heading: "Series".into(),
        series: vec![BandSeries {
            label: "Unserved demand".into(),
            color: UNSERVED,
            data,
            emphasis: true,
        }],
        upper: Vec::new(),
        overlay: none.then(|| "No demand was left unserved in any year or replication".to_string()),
    };
    bands::draw(root, s, r, &chart)
}
