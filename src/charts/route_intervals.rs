//! Chart 3: generalized cost or transit time of the main routes in the key years (first
//! year, the new corridor's opening year, last year), as interval plots: whisker 5-95%,
//! box 25-75%, bar at the median. Routes are grouped by flow (origin, destination,
//! commodity), coloured by corridor, and limited to those that carry a meaningful part
//! of their flow in one of the years shown.

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::*;
use crate::model::Scenario;
use crate::results::Results;
use crate::stats::Summary;

/// Which route figure a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Cost,
    Time,
}

/// A route must carry at least this share of its flow's demand in one shown year.
pub const MIN_SHARE: f64 = 0.02;
/// Text for marks that are missing.
const IDLE_TEXT: RGBColor = RGBColor(150, 150, 150);
/// At most this many routes are shown (the busiest).
pub const MAX_ROUTES: usize = 20;

/// One route's figures in the shown years.
#[derive(Debug, Clone)]
pub struct RouteLine {
    pub label: String,
    pub corridor: usize,
    /// Per shown year: cost, time and share of the flow's demand (`None` if the route
    /// did not exist in that year).
    pub years: Vec<Option<(Summary, Summary, f64)>>,
}

/// The routes of one flow.
#[derive(Debug, Clone)]
pub struct Group {
    pub title: String,
    pub routes: Vec<RouteLine>,
}

/// The groups and routes shown for `years`, in scenario demand order.
pub fn rows(s: &Scenario, r: &Results, years: &[i32]) -> Vec<Group> {
    let t = &r.routes;
    let k = |name: &str| t.key(name);
    let m = |name: &str| t.metric(name);
    let (
        Some(k_year),
        Some(k_dem),
        Some(k_route),
        Some(k_name),
        Some(k_cor),
        Some(m_t),
        Some(m_cost),
        Some(m_time),
    ) = (
        k("year"),
        k("demand"),
        k("route"),
        k("route_name"),
        k("corridor"),
        m("tonnes"),
        m("cost_usd_per_t"),
        m("transit_time_h"),
    )
    else {
        return Vec::new();
    };
    // Demand of each flow in each year.
    let mut demand_t: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    if let (Some(ky), Some(kd), Some(md)) = (
        r.od.key("year"),
        r.od.key("demand"),
        r.od.metric("demand_t"),
    ) {
        for row in &r.od.rows {
            demand_t.insert((&row.keys[ky], &row.keys[kd]), row.stats[md].mean);
        }
    }
    let corridor_index: BTreeMap<&str, usize> = s
        .corridors
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let year_txt: Vec<String> = years.iter().map(|y| y.to_string()).collect();

    struct Found<'a> {
        demand: &'a str,
        route: &'a str,
        name: &'a str,
        corridor: usize,
        years: Vec<Option<(Summary, Summary, f64)>>,
        best: f64,
    }
    let mut found: BTreeMap<(&str, &str), Found> = BTreeMap::new();
    for row in &t.rows {
        let Some(yi) = year_txt.iter().position(|y| *y == row.keys[k_year]) else {
            continue;
        };
        let (d, route) = (row.keys[k_dem].as_str(), row.keys[k_route].as_str());
        let dem = demand_t
            .get(&(row.keys[k_year].as_str(), d))
            .copied()
            .unwrap_or(0.0);
        let tonnes = row.stats[m_t].mean;
        let share = if dem > 0.0 && tonnes.is_finite() {
            tonnes / dem
        } else {
            0.0
        };
        let f = found.entry((d, route)).or_insert_with(|| Found {
            demand: d,
            route,
            name: &row.keys[k_name],
            corridor: corridor_index
                .get(row.keys[k_cor].as_str())
                .copied()
                .unwrap_or(0),
            years: vec![None; years.len()],
            best: 0.0,
        });
        f.years[yi] = Some((row.stats[m_cost], row.stats[m_time], share));
        f.best = f.best.max(share);
    }
    let mut kept: Vec<Found> = found
        .into_values()
        .filter(|f| f.best >= MIN_SHARE)
        .collect();
    kept.sort_by(|a, b| b.best.total_cmp(&a.best).then(a.route.cmp(b.route)));
    kept.truncate(MAX_ROUTES);

    let names = node_names(s);
    let mut groups = Vec::new();
    for dem in &s.demand {
        let mut routes: Vec<&Found> = kept.iter().filter(|f| f.demand == dem.id).collect();
        if routes.is_empty() {
            continue;
        }
        routes.sort_by(|a, b| a.corridor.cmp(&b.corridor).then(a.route.cmp(b.route)));
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        let lines = routes
            .into_iter()
            .map(|f| {
                let n = seen.entry(f.name).or_insert(0);
                *n += 1;
                let label = if *n > 1 {
                    format!("{} (variant {n})", f.name)
                } else {
                    f.name.to_string()
                };
                RouteLine {
                    label,
                    corridor: f.corridor,
                    years: f.years.clone(),
                }
            })
            .collect();
        let o = &s.nodes[dem.origin];
        let d = &s.nodes[dem.destination];
        let on = names.get(o.id.as_str()).copied().unwrap_or(&o.id);
        let dn = names.get(d.id.as_str()).copied().unwrap_or(&d.id);
        groups.push(Group {
            title: format!("{on} → {dn} · {}", dem.commodity),
            routes: lines,
        });
    }
    groups
}

/// Rows (group titles and routes) a chart of these groups has.
pub fn n_rows(groups: &[Group]) -> usize {
    groups.iter().map(|g| 1 + g.routes.len()).sum()
}

/// Canvas height that gives each row room.
pub fn height(groups: &[Group]) -> u32 {
    (360 + 46 * n_rows(groups) as u32).clamp(560, 2600)
}

enum Item<'a> {
    Header(&'a str, usize),
    Route(&'a RouteLine),
}

pub fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &Scenario,
    r: &Results,
    measure: Measure,
) -> Drawn {
    let years = key_years(s, r);
    let groups = rows(s, r, &years);
    let pick = |t: &(Summary, Summary, f64)| match measure {
        Measure::Cost => t.0,
        Measure::Time => t.1,
    };
    let all = groups
        .iter()
        .flat_map(|g| g.routes.iter())
        .flat_map(|l| l.years.iter().flatten());
    let max_v = max_of(all, |t| {
        let st = pick(t);
        st.p[4].max(st.mean)
    });
    let unit = match measure {
        Measure::Cost => Unit {
            div: 1.0,
            short: "USD/t",
            long: "USD per tonne",
        },
        Measure::Time => time_unit(max_v),
    };
    let (title, what) = match measure {
        Measure::Cost => (
            "Generalized cost of the main routes",
            "Generalized cost: charges, fees and the value of the time in transit, in USD per tonne.",
        ),
        Measure::Time => (
            "Transit time of the main routes",
            "Transit time door to door, including border, transfer and congestion delays.",
        ),
    };
    let stats_line = if r.replications > 1 {
        format!(
            "Box: 25–75%, whisker: 5–95% of {} replications, bar: median. Figure at the right: the route's mean share of its flow that year.",
            r.replications
        )
    } else {
        "One replication: the dot is the value. Figure at the right: the route's share of its flow that year.".into()
    };
    let subtitle = vec![
        what.to_string(),
        format!(
            "Routes carrying at least {} of their flow in one of the years shown (at most {}).",
            fmt_pct(MIN_SHARE),
            MAX_ROUTES
        ),
        stats_line,
    ];
    let body = frame(root, title, &subtitle, &source_note(s, r))?;

    // Legend along the bottom.
    let mut corridors: Vec<usize> = groups
        .iter()
        .flat_map(|g| g.routes.iter().map(|l| l.corridor))
        .collect();
    corridors.sort_unstable();
    corridors.dedup();
    let mut entries: Vec<(Swatch, String)> = corridors
        .iter()
        .map(|&c| {
            (
                Swatch::Fill(corridor_color(s, c)),
                s.corridors.get(c).map_or(String::new(), |k| k.name.clone()),
            )
        })
        .collect();
    if r.replications > 1 {
        entries.push((
            Swatch::Interval(MUTED),
            "5–95% whisker, 25–75% box, median bar".into(),
        ));
    }
    let (bw, bh) = body.dim_in_pixel();
    let legend_h = 80;
    let (top, bottom) = body.split_vertically(bh as i32 - legend_h);
    legend_row(&bottom.margin(24, 0, 0, 0), &entries)?;

    // Items top to bottom.
    let mut items = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        items.push(Item::Header(&g.title, gi));
        for l in &g.routes {
            items.push(Item::Route(l));
        }
    }
    let n = items.len().max(1);
    let route_style = anchored(font(LABEL), HPos::Left, VPos::Center);
    let head_style = anchored(bold(LABEL), HPos::Left, VPos::Center);
    let mut label_w = 0;
    for it in &items {
        let w = match it {
            Item::Header(t, _) => text_width(root, t, &head_style)?,
            Item::Route(l) => 34 + text_width(root, &l.label, &route_style)?,
        };
        label_w = label_w.max(w);
    }
    let label_w = (label_w + 24).clamp(260, (bw as i32) * 2 / 5);
    let (labels, panels_area) = top.split_horizontally(label_w);
    let panels = panels_area.split_evenly((1, years.len().max(1)));
    let x_max = if max_v > 0.0 {
        max_v / unit.div * 1.15
    } else {
        1.0
    };
    let (lx0, _) = labels.get_base_pixel();
    let row_of = |i: usize| (n - 1 - i) as f64;

    for (pi, (panel, year)) in panels.iter().zip(&years).enumerate() {
        let mut chart = ChartBuilder::on(panel)
            .caption(year.to_string(), bold(AXIS))
            .margin_left(14)
            .margin_right(24)
            .x_label_area_size(76)
            .y_label_area_size(0)
            .build_cartesian_2d(0.0..x_max, -0.5..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(INK.stroke_width(1))
            .x_desc(unit.long)
            .axis_desc_style(font(AXIS))
            .label_style(font(TICK))
            .x_label_formatter(&|v| fmt_num(*v))
            .x_labels(5)
            .draw()?;
        let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
        let row_h = (px(0.0, 0.0).1 - px(0.0, 1.0).1).max(1);
        let half = (row_h * 3 / 10).clamp(4, 13);
        // Group shading, in the panel and (from the first panel) the label column.
        for (gi, g) in groups.iter().enumerate() {
            if gi % 2 == 1 {
                continue;
            }
            let first = items
                .iter()
                .position(|it| matches!(it, Item::Header(_, k) if *k == gi))
                .unwrap_or(0);
            let last = first + g.routes.len();
            let (x0, y0) = px(0.0, row_of(first) + 0.5);
            let (x1, y1) = px(x_max, row_of(last) - 0.5);
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], SHADE.filled()))?;
            if pi == 0 {
                root.draw(&Rectangle::new([(lx0, y0), (x0 - 14, y1)], SHADE.filled()))?;
            }
        }
        for (i, it) in items.iter().enumerate() {
            let y = row_of(i);
            let Item::Route(l) = it else {
                if let (Item::Header(t, _), 0) = (it, pi) {
                    let (_, yy) = px(0.0, y);
                    let t = fit(root, t, &head_style, label_w - 12)?;
                    text(root, &t, (lx0 + 6, yy), &head_style)?;
                }
                continue;
            };
            let color = corridor_color(s, l.corridor);
            if pi == 0 {
                let (_, yy) = px(0.0, y);
                root.draw(&Rectangle::new(
                    [(lx0 + 10, yy - 8), (lx0 + 26, yy + 8)],
                    color.filled(),
                ))?;
                let t = fit(root, &l.label, &route_style, label_w - 46)?;
                text(root, &t, (lx0 + 34, yy), &route_style)?;
            }
            let Some(fig) = l.years.get(pi).copied().flatten() else {
                let (xx, yy) = px(0.0, y);
                text(
                    root,
                    "not available",
                    (xx + 8, yy),
                    &anchored(font(NOTE).color(&IDLE_TEXT), HPos::Left, VPos::Center),
                )?;
                continue;
            };
            let st = pick(&fig);
            if !st.p[2].is_finite() {
                let (xx, yy) = px(0.0, y);
                text(
                    root,
                    "not open",
                    (xx + 8, yy),
                    &anchored(font(NOTE).color(&MUTED), HPos::Left, VPos::Center),
                )?;
                continue;
            }
            let v = |p: f64| p / unit.div;
            let (x5, yy) = px(v(st.p[0]), y);
            let (x95, _) = px(v(st.p[4]), y);
            let (x25, _) = px(v(st.p[1]), y);
            let (x75, _) = px(v(st.p[3]), y);
            let (x50, _) = px(v(st.p[2]), y);
            if r.replications > 1 {
                root.draw(&PathElement::new(
                    vec![(x5, yy), (x95, yy)],
                    color.stroke_width(2),
                ))?;
                for xe in [x5, x95] {
                    root.draw(&PathElement::new(
                        vec![(xe, yy - half / 2), (xe, yy + half / 2)],
                        color.stroke_width(2),
                    ))?;
                }
                let bx = [(x25, yy - half), (x75.max(x25 + 1), yy + half)];
                root.draw(&Rectangle::new(bx, color.mix(0.35).filled()))?;
                root.draw(&Rectangle::new(bx, color.stroke_width(1)))?;
                root.draw(&PathElement::new(
                    vec![(x50, yy - half - 2), (x50, yy + half + 2)],
                    INK.stroke_width(3),
                ))?;
            } else {
                root.draw(&Circle::new((x50, yy), 8, color.filled()))?;
                root.draw(&Circle::new((x50, yy), 8, INK.stroke_width(1)))?;
            }
            text(
                root,
                &fmt_pct(fig.2),
                (x95.max(x50 + 8) + 10, yy),
                &anchored(font(NOTE).color(&MUTED), HPos::Left, VPos::Center),
            )?;
        }
    }
    Ok(())
}
