//! Chart 6: how well each year's equilibrium converged: the final gap on a log scale
//! against the tolerance, and the iterations used, both as median with a 5-95% whisker
//! over replications.

use plotters::prelude::*;

use super::bands::LEGEND_W;
use super::style::*;
use crate::model::{ChoiceModel, Scenario};
use crate::results::Results;
use crate::stats::Summary;

/// "10⁻⁶" for powers of ten, "3×10⁻⁶" otherwise.
pub fn fmt_power(v: f64) -> String {
    if v.is_nan() || v <= 0.0 || !v.is_finite() {
        return String::new();
    }
    let e = v.log10().floor();
    let m = v / 10f64.powf(e);
    let (m, e) = if (m - 10.0).abs() < 1e-6 {
        (1.0, e + 1.0)
    } else {
        (m, e)
    };
    let sup: String = format!("{}", e as i64)
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect();
    if (m - 1.0).abs() < 1e-6 {
        format!("10{sup}")
    } else {
        format!("{}×10{sup}", fmt_num(m))
    }
}

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let t = &r.convergence;
    let (mg, mi, mc) = (
        t.metric("gap"),
        t.metric("iterations"),
        t.metric("converged"),
    );
    let rows: Vec<(i32, Summary, Summary, Summary)> = match (mg, mi, mc) {
        (Some(g), Some(i), Some(c)) => t
            .rows
            .iter()
            .map(|row| (year_of(row), row.stats[g], row.stats[i], row.stats[c]))
            .collect(),
        _ => Vec::new(),
    };
    let rc = &s.route_choice;
    let measure = match rc.model {
        ChoiceModel::Logit => "relative flow gap between route flows and the logit response",
        ChoiceModel::Deterministic => {
            "relative gap: excess cost over the cheapest route, as a share of total cost"
        }
    };
    let mut subtitle = vec![format!(
        "Gap: {measure}. Tolerance {}; iteration limit {}.",
        fmt_power(rc.tolerance),
        rc.max_iterations
    )];
    let failing: Vec<String> = rows
        .iter()
        .filter(|(_, _, _, c)| c.mean < 1.0)
        .map(|(y, _, _, c)| format!("{y} ({} converged)", fmt_pct(c.mean)))
        .collect();
    if failing.is_empty() {
        subtitle.push("Every year converged in every replication.".into());
    } else {
        let mut list = failing
            .iter()
            .take(6)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if failing.len() > 6 {
            list.push_str(&format!(" and {} more", failing.len() - 6));
        }
        subtitle.push(format!(
            "Not converged in every replication: {list}. Results of those years are less reliable."
        ));
    }
    let body = frame(
        root,
        &format!(
            "Equilibrium convergence by year, {}–{}",
            s.first_year, s.last_year
        ),
        &subtitle,
        &source_note(s, r),
    )?;
    let (w, h) = body.dim_in_pixel();
    let (plots, side) = body.split_horizontally(w - LEGEND_W);
    let (upper, lower) = plots.split_vertically(h as i32 * 55 / 100);
    let xr = year_axis(s.first_year, s.last_year).0;
    let years_x = YearCoord::new(s.first_year, s.last_year);
    let whiskers = r.replications > 1;

    // Gap on a log scale; a gap of exactly 0 is drawn on the floor.
    let positive = rows
        .iter()
        .flat_map(|(_, g, _, _)| [g.p[0], g.p[2], g.p[4]])
        .filter(|v| *v > 0.0 && v.is_finite());
    let min_pos = positive.clone().fold(rc.tolerance, f64::min);
    let max_v = positive.fold(rc.tolerance, f64::max);
    // Gaps far below the tolerance say nothing more: at most four decades below it.
    let floor_at = 10f64.powf((rc.tolerance.max(1e-300)).log10().floor() - 4.0);
    let lo = 10f64
        .powf((min_pos / 10.0).log10().floor())
        .max(floor_at)
        .max(1e-300);
    let hi = 10f64.powf((max_v * 10.0).log10().ceil());
    let hi = if hi > lo * 10.0 { hi } else { lo * 1e6 };
    let floor = |v: f64| if v > lo { v } else { lo };
    let mut chart = ChartBuilder::on(&upper)
        .margin_top(8)
        .margin_right(30)
        .x_label_area_size(44)
        .y_label_area_size(118)
        .caption("Final gap (log scale)", bold(AXIS))
        .build_cartesian_2d(years_x.clone(), (lo..hi).log_scale())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .y_desc("Gap")
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| fmt_power(*v))
        .y_labels(8)
        .draw()?;
    chart.draw_series(DashedLineSeries::new(
        vec![(xr.start, rc.tolerance), (xr.end, rc.tolerance)],
        12,
        7,
        REFERENCE.stroke_width(3),
    ))?;
    let color = PALETTE[0];
    let mut any_zero = false;
    for (y, g, _, c) in &rows {
        let x = *y as f64;
        if whiskers && g.p[4] > 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, floor(g.p[0])), (x, floor(g.p[4]))],
                color.stroke_width(2),
            )))?;
        }
        let v = g.p[2];
        if v > lo {
            chart.draw_series(std::iter::once(Circle::new((x, v), 7, color.filled())))?;
        } else if v.is_finite() {
            any_zero = true;
            chart.draw_series(std::iter::once(Circle::new(
                (x, lo),
                7,
                color.stroke_width(2),
            )))?;
        }
        if c.mean < 1.0 {
            chart.draw_series(std::iter::once(Cross::new(
                (x, floor(g.p[4].max(v))),
                10,
                REFERENCE.stroke_width(3),
            )))?;
        }
    }

    // Iterations.
    let it_max = max_of(rows.iter(), |(_, _, i, _)| i.p[4].max(i.mean)).max(1.0);
    let limit = rc.max_iterations as f64;
    let show_limit = limit <= it_max * 1.6;
    let y_top = if show_limit {
        limit * 1.08
    } else {
        it_max * 1.2
    };
    let mut chart = ChartBuilder::on(&lower)
        .margin_top(8)
        .margin_right(30)
        .x_label_area_size(72)
        .y_label_area_size(118)
        .caption("Iterations used", bold(AXIS))
        .build_cartesian_2d(years_x, 0.0..y_top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .x_desc("Year")
        .y_desc("Iterations")
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| fmt_num(*v))
        // Whole iterations only: no more labels than whole numbers in the range (a
        // run of 1-2 iterations a year gets 0, 1, 2, not 0, 0.5, ... 2).
        .y_labels((y_top.floor() as usize + 1).clamp(2, 6))
        .draw()?;
    if show_limit {
        chart.draw_series(DashedLineSeries::new(
            vec![(xr.start, limit), (xr.end, limit)],
            12,
            7,
            REFERENCE.stroke_width(3),
        ))?;
    }
    for (y, _, i, _) in &rows {
        let x = *y as f64;
        if whiskers {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, i.p[0]), (x, i.p[4])],
                color.stroke_width(2),
            )))?;
        }
        if i.p[2].is_finite() {
            chart.draw_series(std::iter::once(Circle::new((x, i.p[2]), 7, color.filled())))?;
        }
    }

    let mut items = vec![
        LegendItem::Heading("Per year".into()),
        LegendItem::Entry(
            Swatch::Marker(
                if whiskers {
                    Marker::DotWhisker
                } else {
                    Marker::Dot
                },
                color,
            ),
            if whiskers {
                "Dot: median over replications; line: 5–95%".into()
            } else {
                "Dot: value of the one replication".into()
            },
        ),
        LegendItem::Entry(
            Swatch::Line {
                color: REFERENCE,
                width: 3,
                dashed: true,
            },
            if show_limit {
                "Tolerance (top); iteration limit (bottom)".into()
            } else {
                "Tolerance".into()
            },
        ),
    ];
    if any_zero {
        items.push(LegendItem::Entry(
            Swatch::Marker(Marker::OpenDot, color),
            format!("Open dot: gap of {} or less (0 included)", fmt_power(lo)),
        ));
    }
    if !failing.is_empty() {
        items.push(LegendItem::Entry(
            Swatch::Marker(Marker::Cross, REFERENCE),
            "Not converged in every replication".into(),
        ));
    }
    legend(&side.margin(10, 0, 10, 0), &items)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fmt_power;

    #[test]
    fn powers_of_ten() {
        assert_eq!(fmt_power(1e-9), "10⁻⁹");
        assert_eq!(fmt_power(1e3), "10³");
        assert_eq!(fmt_power(3e-6), "3×10⁻⁶");
        assert_eq!(fmt_power(0.0), "");
    }
}
