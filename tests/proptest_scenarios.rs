//! Property tests: random valid scenarios load (and a few run); the same scenarios with
//! one defect planted are rejected with a problem at the defect's key path and line;
//! arbitrary text never panics the loader.

use std::path::Path;

use corridor_sim::runner::{self, RunOptions};
use corridor_sim::scenario::load_source;
use proptest::prelude::*;

const MODES: [&str; 4] = ["rail", "road", "ferry", "sea"];

#[derive(Debug, Clone)]
struct Node {
    lat: f64,
    lon: f64,
}

#[derive(Debug, Clone)]
struct Link {
    from: usize,
    to: usize,
    mode: usize,
    /// Length as a multiple of the straight line (>= 1.05), plus 10 km.
    detour: f64,
    speed: f64,
    fixed_time: bool,
    capacity: Option<f64>,
    uncertain_capacity: bool,
    tariff: f64,
    corridor: usize,
    two_way: bool,
}

#[derive(Debug, Clone)]
struct DemandRow {
    origin: usize,
    destination: usize,
    tonnes: f64,
    growth: f64,
    vot: f64,
}

#[derive(Debug, Clone)]
struct Scen {
    first_year: i32,
    span: i32,
    replications: u64,
    logit: bool,
    corridors: usize,
    nodes: Vec<Node>,
    links: Vec<Link>,
    demand: Vec<DemandRow>,
}

/// A defect planted in a valid scenario, and the key path it must be reported at.
#[derive(Debug, Clone, Copy)]
enum Defect {
    NegativeLength(usize),
    UnknownFrom(usize),
    NanTonnes(usize),
    YearsSwapped,
    DuplicateNode(usize),
    ProbabilityAboveOne(usize),
    PercentilesReversed(usize),
    MisspeltKey(usize),
    ZeroSpeed(usize),
    InfiniteTariff(usize),
}

fn crow_km(a: &Node, b: &Node) -> f64 {
    corridor_sim::scenario::validate::great_circle_km(a.lat, a.lon, b.lat, b.lon)
}

fn render(s: &Scen, defect: Option<Defect>) -> String {
    use std::fmt::Write;
    let mut t = String::new();
    let (first, last) = match defect {
        Some(Defect::YearsSwapped) => (s.first_year + s.span.max(1), s.first_year),
        _ => (s.first_year, s.first_year + s.span),
    };
    let _ = writeln!(
        t,
        "[scenario]\nname = \"prop\"\nfirst_year = {first}\nlast_year = {last}\nreplications = {}\n",
        s.replications
    );
    let _ = writeln!(
        t,
        "[route_choice]\nmodel = \"{}\"\n",
        if s.logit { "logit" } else { "deterministic" }
    );
    for c in 0..s.corridors {
        let _ = writeln!(t, "[[corridors]]\nid = \"c{c}\"\n");
    }
    for (i, n) in s.nodes.iter().enumerate() {
        let id = match defect {
            Some(Defect::DuplicateNode(k)) if k == i => 0,
            _ => i,
        };
        let _ = writeln!(
            t,
            "[[nodes]]\nid = \"n{id}\"\nlat = {:.4}\nlon = {:.4}\n",
            n.lat, n.lon
        );
    }
    for (i, l) in s.links.iter().enumerate() {
        let here = |d: Option<Defect>| d.is_some_and(|d| defect_link(d) == Some(i));
        let length = (crow_km(&s.nodes[l.from], &s.nodes[l.to]) * l.detour + 10.0).round();
        let _ = writeln!(t, "[[links]]\nid = \"l{i}\"");
        if here(defect) && matches!(defect, Some(Defect::UnknownFrom(_))) {
            let _ = writeln!(t, "from = \"nowhere\"");
        } else {
            let _ = writeln!(t, "from = \"n{}\"", l.from);
        }
        let _ = writeln!(t, "to = \"n{}\"\nmode = \"{}\"", l.to, MODES[l.mode]);
        if here(defect) && matches!(defect, Some(Defect::NegativeLength(_))) {
            let _ = writeln!(t, "length_km = -{length}");
        } else {
            let _ = writeln!(t, "length_km = {length}");
        }
        if here(defect) && matches!(defect, Some(Defect::ZeroSpeed(_))) {
            let _ = writeln!(t, "speed_kmh = 0");
        } else if l.fixed_time {
            let _ = writeln!(t, "time_h = {:.2}", length / l.speed);
        } else {
            let _ = writeln!(t, "speed_kmh = {:.1}", l.speed);
        }
        if here(defect) && matches!(defect, Some(Defect::ProbabilityAboveOne(_))) {
            let _ = writeln!(
                t,
                "capacity_tpy = {{ dist = \"discrete\", values = [1e6, 2e6], probs = [1.5, -0.5] }}"
            );
        } else if let Some(c) = l.capacity {
            if l.uncertain_capacity {
                let _ = writeln!(
                    t,
                    "capacity_tpy = {{ dist = \"triangular\", min = {:.0}, mode = {c:.0}, max = {:.0} }}",
                    c * 0.8,
                    c * 1.1
                );
            } else {
                let _ = writeln!(t, "capacity_tpy = {c:.0}");
            }
        }
        if here(defect) && matches!(defect, Some(Defect::MisspeltKey(_))) {
            let _ = writeln!(t, "tarif_usd_per_t = {:.2}", l.tariff);
        } else if here(defect) && matches!(defect, Some(Defect::InfiniteTariff(_))) {
            let _ = writeln!(t, "tariff_usd_per_t = inf");
        } else {
            let _ = writeln!(t, "tariff_usd_per_t = {:.2}", l.tariff);
        }
        let _ = writeln!(
            t,
            "corridor = \"c{}\"\ntwo_way = {}\n",
            l.corridor % s.corridors,
            l.two_way
        );
    }
    for (j, d) in s.demand.iter().enumerate() {
        let _ = writeln!(
            t,
            "[[demand]]\nid = \"d{j}\"\norigin = \"n{}\"\ndestination = \"n{}\"",
            d.origin, d.destination
        );
        match defect {
            Some(Defect::NanTonnes(k)) if k == j => {
                let _ = writeln!(t, "tonnes_per_year = nan");
            }
            Some(Defect::PercentilesReversed(k)) if k == j => {
                let _ = writeln!(
                    t,
                    "tonnes_per_year = {{ dist = \"lognormal\", median = {:.0}, p90 = {:.0} }}",
                    d.tonnes + 10.0,
                    (d.tonnes + 10.0) / 2.0
                );
            }
            _ => {
                let _ = writeln!(t, "tonnes_per_year = {:.0}", d.tonnes);
            }
        }
        let _ = writeln!(
            t,
            "growth_per_year = {:.3}\nvalue_of_time_usd_per_t_h = {:.2}\n",
            d.growth, d.vot
        );
    }
    t
}

fn defect_link(d: Defect) -> Option<usize> {
    match d {
        Defect::NegativeLength(i)
        | Defect::UnknownFrom(i)
        | Defect::ProbabilityAboveOne(i)
        | Defect::MisspeltKey(i)
        | Defect::ZeroSpeed(i)
        | Defect::InfiniteTariff(i) => Some(i),
        _ => None,
    }
}

/// The key path the defect must be reported at.
fn defect_key(d: Defect) -> String {
    match d {
        Defect::NegativeLength(i) => format!("links[{i}].length_km"),
        Defect::UnknownFrom(i) => format!("links[{i}].from"),
        Defect::NanTonnes(j) | Defect::PercentilesReversed(j) => {
            format!("demand[{j}].tonnes_per_year")
        }
        Defect::YearsSwapped => "scenario.last_year".into(),
        Defect::DuplicateNode(k) => format!("nodes[{k}].id"),
        Defect::ProbabilityAboveOne(i) => format!("links[{i}].capacity_tpy"),
        Defect::MisspeltKey(i) => format!("links[{i}].tarif_usd_per_t"),
        Defect::ZeroSpeed(i) => format!("links[{i}].speed_kmh"),
        Defect::InfiniteTariff(i) => format!("links[{i}].tariff_usd_per_t"),
    }
}

fn speed_for(mode: usize, u: f64) -> f64 {
    match mode {
        0 => 20.0 + 100.0 * u,
        1 => 20.0 + 80.0 * u,
        _ => 10.0 + 30.0 * u,
    }
}

fn scenario() -> impl Strategy<Value = Scen> {
    let nodes = prop::collection::vec((35.0..50.0f64, 30.0..60.0f64), 2..7);
    (
        2000..2100i32,
        0..15i32,
        1..50u64,
        any::<bool>(),
        1..4usize,
        nodes,
    )
        .prop_flat_map(
            |(first_year, span, replications, logit, corridors, nodes)| {
                let n = nodes.len();
                let link = (
                    0..n,
                    1..n,
                    0..4usize,
                    1.05..2.5f64,
                    0.0..1.0f64,
                    any::<bool>(),
                    prop::option::of(1e4..1e8f64),
                    any::<bool>(),
                    0.0..50.0f64,
                    0..3usize,
                    prop::bool::weighted(0.9),
                );
                let extra = prop::collection::vec(link, 0..6);
                let demand = prop::collection::vec(
                    (0..n, 1..n, 0.0..1e7f64, -0.05..0.1f64, 0.01..5.0f64),
                    1..5,
                );
                (
                    Just((first_year, span, replications, logit, corridors)),
                    Just(nodes),
                    extra,
                    demand,
                    0.0..1.0f64,
                )
            },
        )
        .prop_map(|(settings, nodes, extra, demand, u)| {
            let (first_year, span, replications, logit, corridors) = settings;
            let n = nodes.len();
            let nodes: Vec<Node> = nodes
                .into_iter()
                .map(|(lat, lon)| Node { lat, lon })
                .collect();
            // A two-way chain keeps every node connected; extra links add choices.
            let mut links: Vec<Link> = (0..n - 1)
                .map(|i| Link {
                    from: i,
                    to: i + 1,
                    mode: i % 2,
                    detour: 1.2,
                    speed: speed_for(i % 2, u),
                    fixed_time: false,
                    capacity: None,
                    uncertain_capacity: false,
                    tariff: 10.0,
                    corridor: i,
                    two_way: true,
                })
                .collect();
            for (from, step, mode, detour, su, fixed, cap, unc, tariff, corridor, two_way) in extra
            {
                links.push(Link {
                    from,
                    to: (from + step) % n,
                    mode,
                    detour,
                    speed: speed_for(mode, su),
                    fixed_time: fixed,
                    capacity: cap,
                    uncertain_capacity: unc,
                    tariff,
                    corridor,
                    two_way,
                });
            }
            let demand = demand
                .into_iter()
                .map(|(o, step, tonnes, growth, vot)| DemandRow {
                    origin: o,
                    destination: (o + step) % n,
                    tonnes,
                    growth,
                    vot,
                })
                .collect();
            Scen {
                first_year,
                span,
                replications,
                logit,
                corridors,
                nodes,
                links,
                demand,
            }
        })
}

fn defect(s: &Scen) -> impl Strategy<Value = Defect> + use<> {
    let (nl, nd, nn) = (s.links.len(), s.demand.len(), s.nodes.len());
    prop_oneof![
        (0..nl).prop_map(Defect::NegativeLength),
        (0..nl).prop_map(Defect::UnknownFrom),
        (0..nd).prop_map(Defect::NanTonnes),
        Just(Defect::YearsSwapped),
        (1..nn).prop_map(Defect::DuplicateNode),
        (0..nl).prop_map(Defect::ProbabilityAboveOne),
        (0..nd).prop_map(Defect::PercentilesReversed),
        (0..nl).prop_map(Defect::MisspeltKey),
        (0..nl).prop_map(Defect::ZeroSpeed),
        (0..nl).prop_map(Defect::InfiniteTariff),
    ]
}

fn path() -> &'static Path {
    Path::new("/nonexistent-corridor-proptest/prop.toml")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn valid_scenarios_load(s in scenario()) {
        let text = render(&s, None);
        let loaded = load_source(path(), &text);
        prop_assert!(loaded.is_ok(), "{}\n---\n{text}", loaded.err().map(|e| e.to_string()).unwrap_or_default());
        let l = loaded.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(l.scenario.nodes.len(), s.nodes.len());
        prop_assert_eq!(l.scenario.links.len(), s.links.len());
        prop_assert_eq!(l.scenario.demand.len(), s.demand.len());
        prop_assert_eq!(l.scenario.n_years(), s.span as usize + 1);
    }

    #[test]
    fn a_planted_defect_is_reported_at_its_key(
        (s, d) in scenario().prop_flat_map(|s| { let d = defect(&s); (Just(s), d) })
    ) {
        let text = render(&s, Some(d));
        let key = defect_key(d);
        match load_source(path(), &text) {
            Ok(_) => prop_assert!(false, "{d:?} was accepted\n{text}"),
            Err(e) => {
                let hit = e.problems().iter().find(|p| p.key == key);
                prop_assert!(hit.is_some(), "{d:?}: no problem at `{key}`: {e}\n---\n{text}");
                let line = hit.and_then(|p| p.location.line);
                prop_assert!(line.is_some(), "{d:?}: no line: {e}");
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = load_source(path(), &text);
    }

    #[test]
    fn shuffled_scenario_lines_never_panic(
        s in scenario(),
        order in prop::collection::vec(any::<prop::sample::Index>(), 0..80),
    ) {
        let text = render(&s, None);
        let lines: Vec<&str> = text.lines().collect();
        let shuffled: Vec<&str> = order.iter().map(|i| lines[i.index(lines.len())]).collect();
        let _ = load_source(path(), &shuffled.join("\n"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Valid scenarios also simulate without panicking (a few, small: this is slow).
    #[test]
    fn valid_scenarios_run(s in scenario()) {
        let text = render(&s, None);
        let l = load_source(path(), &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let opts = RunOptions { replications: Some(2), seed: Some(1), threads: Some(1), exact_values: None };
        let r = runner::run(&l.scenario, &opts, &mut |_, _| {})
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(r.links.rows.len(), s.links.len() * (s.span as usize + 1));
    }
}
