//! First years a replication shares with replications its thread simulated before.
//!
//! A year's figures are a function of the year's inputs and of the flows the years
//! before it ended with (the warm start). So when a replication's first years have, to
//! the bit, the inputs of the first years of an earlier replication, they end with the
//! same flows and record the same figures, and those years need not be simulated
//! again: nothing drawn acts before the first opening year in `tripp-opens` (2024-2026
//! in every replication), and until a drawn continuous input (the TRIPP fee) reaches a
//! route, the next years differ only in which of a few discrete opening years came true.
//!
//! A year's inputs are written as words (`SharedYears::year`): whether the engine
//! records the induced-demand figures, the year's network state and events, each
//! period's weight, days, disruption, state and fixed route costs, the demand, the
//! reference costs of elastic demand and the replication's values of time and
//! elasticities. The caller (`simulate::Engine::run_full_into`) feeds every input a
//! year reads; drawn node values reach a year only through the route costs, which is
//! why those, not the node values, are compared. A replication with queue points or a
//! network check neither takes nor keeps years: its years also depend on its own draws
//! of the day-by-day queues, or record the check.
//!
//! Each thread keeps a tree of first years, one engine at a time: a kept year names the
//! kept year before it (its parent), so a chain from the first year is the first years
//! of one replication, and a replication takes a year only after its parent. A
//! replication adds at most one year, its first that no kept year matches (so keeping
//! costs one copy of one year's figures a replication); each year of the horizon keeps
//! at most `VARIANTS`, the least recently taken going first (a year that no later
//! replication shares, such as one after a continuous draw acts, is never taken). The
//! bytes are the same whichever thread simulated which replication: a shared year's
//! figures are the ones simulating it would give (the tests compare runs with and
//! without).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::figures::YearFigures;
use crate::network::YearState;
use crate::routes::RouteSet;

/// A number for each engine, so that a thread's kept years are never taken by another
/// engine's replications.
static NEXT_ENGINE: AtomicU64 = AtomicU64::new(1);

/// A new engine number (never 0, which marks "no engine").
pub(crate) fn engine_number() -> u64 {
    NEXT_ENGINE.fetch_add(1, Ordering::Relaxed)
}

/// Kept years per year of the horizon (variants of the first years before it).
const VARIANTS: usize = 8;

/// One kept year: its inputs as words, its figures and what the next year starts from.
#[derive(Debug)]
pub(crate) struct KeptYear {
    /// This kept year's number and its parent's (0: the year is the first).
    id: u64,
    parent: u64,
    /// When it was last taken or kept (`SharedYears::clock`).
    used: u64,
    key: Vec<u64>,
    pub figures: YearFigures,
    pub routes: Arc<RouteSet>,
    pub gids: Arc<Vec<usize>>,
    /// The normal period's route flows.
    pub flows: Vec<f64>,
}

/// A thread's kept years and the state of the replication it is simulating.
#[derive(Debug, Default)]
pub(crate) struct SharedYears {
    engine: u64,
    /// Per year of the horizon, its kept variants (see the module documentation).
    kept: Vec<Vec<KeptYear>>,
    /// The kept year this replication took last (0 before its first year).
    at: u64,
    /// Kept years numbered so far, and replications started (the age of a use).
    ids: u64,
    clock: u64,
    /// Whether the current replication may still take years: every year so far was
    /// taken, and sharing is allowed for it.
    taking: bool,
    /// The current replication's first year that differs, with its inputs, to keep
    /// once it is simulated.
    pending: Option<(usize, Vec<u64>)>,
    /// Working space for a year's inputs.
    key: Vec<u64>,
    /// Years taken on this thread so far (for tests).
    taken: u64,
}

thread_local! {
    /// Each thread's kept years, across its replications.
    static THREAD: std::cell::Cell<SharedYears> = std::cell::Cell::default();
}

/// Feeds a year's inputs to a key, as words.
pub(crate) struct Words<'k>(&'k mut Vec<u64>);

impl Words<'_> {
    #[inline]
    pub fn f64s(&mut self, xs: &[f64]) -> &mut Self {
        self.0.push(xs.len() as u64);
        self.0.extend(xs.iter().map(|x| x.to_bits()));
        self
    }

    #[inline]
    pub fn bools(&mut self, xs: &[bool]) -> &mut Self {
        self.0.push(xs.len() as u64);
        self.0.extend(xs.iter().map(|&x| u64::from(x)));
        self
    }

    #[inline]
    pub fn word(&mut self, w: u64) -> &mut Self {
        self.0.push(w);
        self
    }

    /// A network state: its open links and every value of every link.
    pub fn state(&mut self, s: &YearState) -> &mut Self {
        self.bools(&s.open);
        self.0.push(s.links.len() as u64);
        for l in &s.links {
            let v = [
                l.length_km,
                l.t0_h,
                l.capacity_tpy,
                l.tariff_usd_per_t,
                l.tariff_usd_per_tkm,
            ];
            self.0.extend(v.iter().map(|x| x.to_bits()));
        }
        self
    }
}

impl SharedYears {
    /// This thread's kept years, until `put` back.
    pub fn take() -> SharedYears {
        THREAD.take()
    }

    /// Puts this thread's kept years back for its next replication.
    pub fn put(self) {
        THREAD.set(self);
    }

    /// Starts a replication of engine `engine`; `allowed` says whether it may take and
    /// keep years at all.
    pub fn start(&mut self, engine: u64, allowed: bool) {
        if self.engine != engine {
            self.engine = engine;
            self.kept.clear();
        }
        self.taking = allowed;
        self.pending = None;
        self.at = 0;
        self.clock += 1;
    }

    /// A kept year `yi` when every earlier year of this replication was taken and
    /// this one's inputs (written by `feed`) equal, word for word, those of a kept
    /// year after the one taken last. Otherwise `None`, and this replication takes no
    /// later year; its year `yi` is kept when `keep` is called with it.
    pub fn year(&mut self, yi: usize, feed: impl FnOnce(&mut Words)) -> Option<&KeptYear> {
        if !self.taking {
            return None;
        }
        self.key.clear();
        feed(&mut Words(&mut self.key));
        let (at, key) = (self.at, &self.key);
        let found = self
            .kept
            .get(yi)
            .and_then(|v| v.iter().position(|k| k.parent == at && k.key == *key));
        if let Some(i) = found {
            let k = &mut self.kept[yi][i];
            k.used = self.clock;
            self.at = k.id;
            self.taken += 1;
            return Some(k);
        }
        self.taking = false;
        self.pending = Some((yi, std::mem::take(&mut self.key)));
        None
    }

    /// Keeps year `yi` of this replication when it is its first year that no kept year
    /// matched (`year`), in place of the least recently used of year `yi`'s variants
    /// when they are `VARIANTS`.
    pub fn keep(
        &mut self,
        yi: usize,
        figures: &YearFigures,
        routes: &Arc<RouteSet>,
        gids: &Arc<Vec<usize>>,
        flows: &[f64],
    ) {
        let Some((_, key)) = self.pending.take_if(|(y, _)| *y == yi) else {
            return;
        };
        if self.kept.len() <= yi {
            self.kept.resize_with(yi + 1, Vec::new);
        }
        let variants = &mut self.kept[yi];
        if variants.len() >= VARIANTS
            && let Some(oldest) = (0..variants.len()).min_by_key(|&i| variants[i].used)
        {
            variants.swap_remove(oldest);
        }
        self.ids += 1;
        variants.push(KeptYear {
            id: self.ids,
            parent: self.at,
            used: self.clock,
            key,
            figures: figures.clone(),
            routes: Arc::clone(routes),
            gids: Arc::clone(gids),
            flows: flows.to_vec(),
        });
    }
}

/// Copies `from` into `to`, reusing `to`'s vectors.
pub(crate) fn copy_figures(to: &mut YearFigures, from: &YearFigures) {
    let YearFigures {
        links,
        corridors,
        demand,
        routes,
        convergence,
        disruption,
        induced,
        measures,
        queues,
        queue_convergence,
        queue_trace,
    } = from;
    to.links.clone_from(links);
    to.corridors.clone_from(corridors);
    to.demand.clone_from(demand);
    to.routes.clone_from(routes);
    to.convergence = *convergence;
    to.disruption = *disruption;
    to.induced.clone_from(induced);
    to.measures.clone_from(measures);
    to.queues.clone_from(queues);
    to.queue_convergence = *queue_convergence;
    to.queue_trace.clone_from(queue_trace);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(x: f64) -> YearFigures {
        YearFigures {
            links: vec![[x; 4]],
            ..YearFigures::default()
        }
    }

    fn set() -> (Arc<RouteSet>, Arc<Vec<usize>>) {
        (Arc::new(RouteSet::default()), Arc::new(vec![0]))
    }

    /// Replication `rep` of a test: the years whose inputs are `keys`, each taken when
    /// kept (its figures returned) or else kept, as the engine does.
    fn replicate(sy: &mut SharedYears, engine: u64, allowed: bool, keys: &[f64]) -> Vec<f64> {
        let (rs, gids) = set();
        sy.start(engine, allowed);
        let mut got = Vec::new();
        for (yi, &x) in keys.iter().enumerate() {
            match sy.year(yi, |w| {
                w.f64s(&[x]);
            }) {
                Some(k) => got.push(k.figures.links[0][0]),
                None => sy.keep(yi, &figures(x), &rs, &gids, &[x]),
            }
        }
        got
    }

    /// A replication takes the kept years whose inputs equal its own, each after the
    /// one it took before, up to its first year that differs, which it then keeps.
    #[test]
    fn takes_the_equal_first_years_and_keeps_its_first_different_year() {
        let mut sy = SharedYears::default();
        // Nothing kept: year 0 is kept, and only it.
        assert!(replicate(&mut sy, 7, true, &[1.0, 2.0, 3.0]).is_empty());
        assert_eq!(sy.kept.iter().map(Vec::len).collect::<Vec<_>>(), [1]);
        // Each replication takes what is kept and keeps one year more.
        assert_eq!(replicate(&mut sy, 7, true, &[1.0, 2.0, 3.0]), [1.0]);
        assert_eq!(replicate(&mut sy, 7, true, &[1.0, 2.0, 3.0]), [1.0, 2.0]);
        assert_eq!(
            replicate(&mut sy, 7, true, &[1.0, 2.0, 3.0]),
            [1.0, 2.0, 3.0]
        );
        // A first year that differs by one bit (-0 against +0) is another variant; its
        // replication takes nothing, and the next one like it takes it.
        assert!(replicate(&mut sy, 7, true, &[-0.0, 2.0]).is_empty());
        assert!(replicate(&mut sy, 7, true, &[0.0, 2.0]).is_empty());
        assert_eq!(replicate(&mut sy, 7, true, &[-0.0, 2.0]), [-0.0]);
        assert_eq!(sy.kept.iter().map(Vec::len).collect::<Vec<_>>(), [3, 2, 1]);
        // A year equal to a kept one after another first year is not taken: the years
        // before it (its warm start) differ.
        assert_eq!(replicate(&mut sy, 7, true, &[-0.0, 2.0, 3.0]), [-0.0, 2.0]);
        assert_eq!(sy.kept[2].len(), 2);
        assert_eq!(
            replicate(&mut sy, 7, true, &[1.0, 2.0, 3.0]),
            [1.0, 2.0, 3.0]
        );
        // Another engine takes nothing; a replication not allowed to share keeps nothing.
        assert!(replicate(&mut sy, 8, true, &[1.0]).is_empty());
        assert!(replicate(&mut sy, 8, false, &[4.0]).is_empty());
        assert!(replicate(&mut sy, 8, true, &[4.0]).is_empty());
        assert_eq!(replicate(&mut sy, 8, true, &[1.0]), [1.0]);
    }

    /// A year keeps at most `VARIANTS` variants, the least recently used going first.
    #[test]
    fn the_least_recently_used_variant_goes_first() {
        let mut sy = SharedYears::default();
        let often = 100.0;
        replicate(&mut sy, 1, true, &[often]);
        for k in 0..3 * VARIANTS {
            // Unique first years, and the one that recurs, taken each time.
            replicate(&mut sy, 1, true, &[k as f64]);
            assert_eq!(replicate(&mut sy, 1, true, &[often]), [often]);
            assert!(sy.kept[0].len() <= VARIANTS);
        }
    }

    /// The lengths are part of the key: [1, 2] then [] is not [1] then [2].
    #[test]
    fn keys_of_different_shapes_differ() {
        let (rs, gids) = set();
        let mut sy = SharedYears::default();
        sy.start(1, true);
        assert!(
            sy.year(0, |w| {
                w.f64s(&[1.0, 2.0]).f64s(&[]);
            })
            .is_none()
        );
        sy.keep(0, &figures(1.0), &rs, &gids, &[]);
        sy.start(1, true);
        assert!(
            sy.year(0, |w| {
                w.f64s(&[1.0]).f64s(&[2.0]);
            })
            .is_none()
        );
    }

    /// Years taken on this thread so far.
    fn taken_here() -> u64 {
        let sy = SharedYears::take();
        let n = sy.taken;
        sy.put();
        n
    }

    /// Shipped scenarios give the same figures, to the bit, with and without shared
    /// years, replication after replication on one thread (the first checked, as in a
    /// study). Only the default one shares years (nothing drawn acts before 2027); the
    /// others must not: disruptions drawn in every year, an elasticity drawn per
    /// replication (elastic demand), queue points.
    #[test]
    fn shared_years_are_the_years_simulated() {
        use crate::simulate::Engine;
        for (name, reps, shares) in [
            ("tripp-opens", 8, true),
            ("tripp-political-risk", 3, false),
            ("tripp-appraisal", 3, false),
            ("iran-route-disruptions", 2, false),
        ] {
            let path = format!("{}/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
            let s = crate::scenario::load(std::path::Path::new(&path))
                .expect("a shipped scenario loads")
                .scenario;
            let mut plain = Engine::new(&s);
            plain.share_years = false;
            let sharing = Engine::new(&s);
            // (A thread keeps one engine's years: each engine's replications in turn.)
            let run = |e: &Engine| {
                (0..reps)
                    .map(|rep| {
                        let u = crate::runner::draws(&s, s.seed, rep);
                        let mut years = Vec::new();
                        e.run_full_into(
                            u.as_deref(),
                            None,
                            Some((s.seed, rep)),
                            rep == 0,
                            &mut years,
                        );
                        format!("{years:?}")
                    })
                    .collect::<Vec<String>>()
            };
            let expected = run(&plain);
            let before = taken_here();
            let got = run(&sharing);
            let shared = taken_here() - before;
            for (rep, (a, b)) in expected.iter().zip(&got).enumerate() {
                assert!(a == b, "{name}, replication {rep}: the figures differ");
            }
            assert_eq!(shared > 0, shares, "{name}: {shared} years shared");
        }
    }

    /// Copying gives equal figures whatever the target held.
    #[test]
    fn copied_figures_equal_their_source() {
        let from = YearFigures {
            links: vec![[1.0; 4]; 3],
            corridors: vec![[2.0; 5]],
            demand: vec![[3.0; 5]; 2],
            convergence: [4.0; 5],
            disruption: [5.0; 4],
            induced: vec![[6.0; 4]],
            measures: vec![[7.0; 3]],
            queues: vec![[8.0; 14]],
            queue_convergence: [9.0; 2],
            queue_trace: vec![10.0],
            ..YearFigures::default()
        };
        let mut to = YearFigures {
            links: vec![[0.0; 4]; 9],
            queue_trace: vec![1.0; 5],
            ..YearFigures::default()
        };
        copy_figures(&mut to, &from);
        assert_eq!(to, from);
    }
}
