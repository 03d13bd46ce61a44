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
/// At most this many routes are shown (the busiest) when there is no new corridor.
pub const MAX_ROUTES: usize = 20;
/// With a new corridor: at most this many flows (those it carries the most of)...
pub const MAX_FLOWS: usize = 6;
/// ... each with at most this many routes besides the new corridor's.
pub const MAX_PER_FLOW: usize = 4;

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

    #[derive(Clone)]
    struct Found<'a> {
        demand: &'a str,
        route: &'a str,
        name: &'a str,
        corridor: usize,
        years: Vec<Option<(Summary, Summary, f64)>>,
        best: f64,
        best_t: f64,
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
            best_t: 0.0,
        });
        f.years[yi] = Some((row.stats[m_cost], row.stats[m_time], share));
        f.best = f.best.max(share);
        if tonnes.is_finite() {
            f.best_t = f.best_t.max(tonnes);
        }
    }
    let mut kept: Vec<Found> = found
        .into_values()
        .filter(|f| f.best >= MIN_SHARE)
        .collect();
    kept.sort_by(|a, b| b.best.total_cmp(&a.best).then(a.route.cmp(b.route)));
    // With a new corridor that carries freight: the flows it takes the most tonnes of,
    // each with its main competing routes. Otherwise the routes with the largest shares.
    let focus = new_corridor(s).filter(|c| kept.iter().any(|f| f.corridor == *c));
    if let Some(c) = focus {
        let mut flows: Vec<(&str, f64)> = Vec::new();
        for f in kept.iter().filter(|f| f.corridor == c) {
            match flows.iter_mut().find(|(d, _)| *d == f.demand) {
                Some(e) => e.1 = e.1.max(f.best_t),
                None => flows.push((f.demand, f.best_t)),
            }
        }
        flows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        flows.truncate(MAX_FLOWS);
        let mut chosen: Vec<Found> = Vec::new();
        for (d, _) in &flows {
            let of_flow: Vec<&Found> = kept.iter().filter(|f| f.demand == *d).collect();
            let mut n = 0;
            for f in of_flow {
                if f.corridor == c {
                    chosen.push(f.clone());
                } else if n < MAX_PER_FLOW {
                    chosen.push(f.clone());
                    n += 1;
                }
            }
        }
        kept = chosen;
    } else {
        kept.truncate(MAX_ROUTES);
    }
    let names = node_names(s);
    let mut groups = Vec::new();
    for dem in &s.demand {
        let mut routes: Vec<&Found> = kept.iter().filter(|f| f.demand == dem.id).collect();
        if routes.is_empty() {
            continue;
        }
        routes.sort_by(|a, b| a.corridor.cmp(&b.corridor).then(a.route.cmp(b.route)));
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        let short = distinct_parts(&routes.iter().map(|f| f.name).collect::<Vec<_>>());
        let lines = routes
            .into_iter()
            .zip(short)
            .map(|(f, short)| {
                let n = seen.entry(f.name).or_insert(0);
                *n += 1;
                let label = if *n > 1 {
                    format!("{short} (variant {n})")
                } else {
                    short
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
        let on = short_place(names.get(o.id.as_str()).copied().unwrap_or(&o.id));
        let dn = short_place(names.get(d.id.as_str()).copied().unwrap_or(&d.id));
        groups.push(Group {
            title: format!("{on} → {dn} · {}", dem.commodity),
            routes: lines,
        });
    }
    groups
}

/// Route names (corridors joined by " > ") without the corridors every route of the
/// group starts or ends with, which say nothing about the difference ("… > A > B > …"),
/// and without the notes in brackets of corridor names.
fn distinct_parts(names: &[&str]) -> Vec<String> {
    // Corridor names without their notes in brackets: the legend gives them in full.
    let parts: Vec<Vec<&str>> = names
        .iter()
        .map(|n| n.split(" > ").map(short_place).collect())
        .collect();
    // One route, or variants of one corridor sequence: nothing to tell apart.
    if parts.len() < 2 || parts.iter().all(|p| *p == parts[0]) {
        return parts.iter().map(|p| p.join(" > ")).collect();
    }
    let min_len = parts.iter().map(Vec::len).min().unwrap_or(0);
    let mut pre = 0;
    while pre + 1 < min_len && parts.iter().all(|p| p[pre] == parts[0][pre]) {
        pre += 1;
    }
    let mut suf = 0;
    let from_end = |p: &Vec<&str>, k: usize| p[p.len() - 1 - k].to_string();
    while pre + suf + 1 < min_len
        && parts
            .iter()
            .all(|p| from_end(p, suf) == from_end(&parts[0], suf))
    {
        suf += 1;
    }
    parts
        .iter()
        .map(|p| {
            let mut out = p[pre..p.len() - suf].join(" > ");
            if pre > 0 {
                out = format!("… > {out}");
            }
            if suf > 0 {
                out.push_str(" > …");
            }
            out
        })
        .collect()
}

/// Rows (group titles and routes) a chart of these groups has.
pub fn n_rows(groups: &[Group]) -> usize {
    groups.iter().map(|g| 1 + g.routes.len()).sum()
}

/// The corridors the routes of these groups are coloured by.
fn corridors_of(groups: &[Group]) -> Vec<usize> {
    let mut corridors: Vec<usize> = groups
        .iter()
        .flat_map(|g| g.routes.iter().map(|l| l.corridor))
        .collect();
    corridors.sort_unstable();
    corridors.dedup();
    corridors
}

/// Canvas height that gives each row room, and the legend below about two entries
/// per line.
pub fn height(groups: &[Group]) -> u32 {
    let legend_rows = (corridors_of(groups).len() as u32 + 2).div_ceil(2);
    (330 + 50 * n_rows(groups) as u32 + 34 * legend_rows).clamp(560, 2800)
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
    let focus = new_corridor(s).filter(|c| {
        groups
            .iter()
            .any(|g| g.routes.iter().any(|l| l.corridor == *c))
    });
    let selection = match focus {
        Some(c) => format!(
            "The {} flows the {} carries most of, each with its routes that carry at least {} of the flow in a year shown (at most {} besides the new corridor's).",
            groups.len(),
            s.corridors[c].name,
            fmt_pct(MIN_SHARE),
            MAX_PER_FLOW
        ),
        None => format!(
            "Routes carrying at least {} of their flow in one of the years shown (at most {}).",
            fmt_pct(MIN_SHARE),
            MAX_ROUTES
        ),
    };
    let subtitle = vec![what.to_string(), selection, stats_line];
    let body = frame(root, title, &subtitle, &source_note(s, r))?;

    // Legend along the bottom.
    let corridors = corridors_of(&groups);
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
    let legend_h = 24 + legend_row_height(&body, &entries, bw as i32)?;
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
    let small_style = anchored(font(NOTE), HPos::Left, VPos::Center);
    let mut label_w = 0;
    for it in &items {
        let w = match it {
            Item::Header(t, _) => text_width(root, t, &head_style)?,
            Item::Route(l) => 34 + text_width(root, &l.label, &route_style)?,
        };
        label_w = label_w.max(w);
    }
    let label_w = (label_w + 24).clamp(260, (bw as i32) * 2 / 5);
    // Route names too long for one line take two, in smaller type.
    let mut route_lines: Vec<Vec<String>> = Vec::new();
    for it in &items {
        let Item::Route(l) = it else {
            route_lines.push(Vec::new());
            continue;
        };
        let room = label_w - 46;
        if text_width(root, &l.label, &route_style)? <= room {
            route_lines.push(vec![l.label.clone()]);
        } else {
            let mut lines = wrap(root, &l.label, &small_style, room)?;
            if lines.len() > 2 {
                let rest = lines[1..].join(" ");
                lines.truncate(1);
                lines.push(fit(root, &rest, &small_style, room)?);
            }
            route_lines.push(lines);
        }
    }
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
            .house_grid()
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
                match route_lines[i].as_slice() {
                    [one] => text(root, one, (lx0 + 34, yy), &route_style)?,
                    lines => {
                        let step = 22;
                        let top = yy - step * (lines.len() as i32 - 1) / 2;
                        for (k, line) in lines.iter().enumerate() {
                            text(root, line, (lx0 + 34, top + step * k as i32), &small_style)?;
                        }
                    }
                }
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
