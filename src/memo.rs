//! Solved assignments remembered within one engine, so that a replication whose year
//! has exactly the inputs of an earlier one takes that year's equilibrium instead of
//! solving it again.
//!
//! An assignment (`assignment::assign`) is a pure function of its inputs: the arcs'
//! free-flow times, capacities and BPR parameters, the candidate routes with their fixed
//! costs, hours and availability, the demand, the values of time and the warm-start
//! flows. Many replications share whole years: nothing drawn acts in `tripp-opens`
//! before the first opening year (2024-2026 in every replication), and until a drawn
//! continuous input (the TRIPP fee, a border time) reaches a route, the years differ only
//! in which of a few discrete opening years came true. A remembered result is taken only
//! when every input is equal to the bit, compared word by word (a hash finds the
//! candidate; it never decides), so results are the same bytes with or without the memo,
//! whatever thread solved what first.
//!
//! Each thread keeps its own memo (no waiting on a lock; a thread that finds its slot
//! taken solves without it). A key is remembered on its second sighting, so that inputs
//! seen once cost a hash (about 1,500 words, well under a microsecond, against tens of
//! microseconds for a solve) and no copy; each memo is bounded in words (32 MB a
//! thread) and starts afresh when full. Where the inputs never repeat (every year after
//! a continuous draw reaches a route), even the hash is wasted: a lane (a year and
//! period of the run) whose lookups keep missing looks up only now and then
//! (`COLD_AFTER`, `COLD_PROBE`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::assignment::{ArcData, Assignment, RouteData, assign};
use crate::model::RouteChoice;
use crate::routes::Paths;

/// Words (8 bytes) of inputs and results a thread keeps before its memo starts afresh:
/// 32 MB, about 1,600 entries of the default scenario (inputs about 1,500 words, the
/// result about 900) and fewer of a larger network's, whose entries grow with its
/// routes and arcs.
const MAX_WORDS: usize = 1 << 22;
/// Keys seen once, remembered as hashes, before that record starts afresh.
const MAX_SEEN: usize = 8192;
/// Memo slots: threads are spread over them by their pool index.
const SLOTS: usize = 16;
/// Lookups in a row without a hit after which a lane (a year and period of the run,
/// `AssignmentMemo::assign`) stops hashing its inputs: they are drawn afresh in every
/// replication (in `tripp-opens`, every year after a continuous draw such as the TRIPP
/// fee reaches a route), so a key would cost its hash and never be taken.
const COLD_AFTER: u32 = 256;
/// A cold lane still looks up one call in this many, and warms again on a hit.
const COLD_PROBE: u32 = 64;

/// The memo of one engine (see the module documentation). The route choice settings
/// are the engine's and so not part of a key: one memo serves one engine.
#[derive(Debug)]
pub struct AssignmentMemo {
    slots: [Mutex<Memo>; SLOTS],
    max_words: usize,
}

impl Default for AssignmentMemo {
    fn default() -> Self {
        AssignmentMemo::with_budget(MAX_WORDS)
    }
}

#[derive(Debug, Default)]
struct Memo {
    seen: HashSet<u64>,
    entries: HashMap<u64, Entry>,
    /// Words held by `entries` (`Entry::size`).
    words: usize,
    /// Per lane: lookups since its last hit, and calls it let pass while cold.
    lanes: Vec<(u32, u32)>,
}

/// A remembered assignment with its inputs. The shared route arrays are held (so their
/// addresses cannot be reused by other arrays while the entry lives) and compared by
/// address; everything else is compared word by word.
#[derive(Debug)]
struct Entry {
    start: Arc<Vec<usize>>,
    paths: Arc<Paths>,
    ln_path_size: Arc<Vec<f64>>,
    words: Vec<u64>,
    out: Assignment,
}

/// The inputs of one assignment other than the route choice settings.
struct Inputs<'a> {
    arcs: &'a ArcData,
    routes: &'a RouteData,
    demand_t: &'a [f64],
    vot: &'a [f64],
    warm: Option<&'a [f64]>,
}

/// What the inputs' words are fed to: a hasher, a copier or a comparer.
trait Sink {
    fn word(&mut self, w: u64);
    fn f64s(&mut self, xs: &[f64]) {
        xs.iter().for_each(|x| self.word(x.to_bits()));
    }
}

impl Inputs<'_> {
    /// Every input word, in a fixed order (lengths follow from the routes compared by
    /// address and the engine's arcs; the warm-start flag precedes the flows).
    fn feed(&self, sink: &mut impl Sink) {
        let (a, r) = (self.arcs, self.routes);
        sink.f64s(&a.t0_h);
        sink.f64s(&a.capacity_tpy);
        a.bpr.iter().for_each(|b| {
            sink.word(b.alpha.to_bits());
            sink.word(b.beta.to_bits());
        });
        sink.f64s(&r.fixed_usd);
        sink.f64s(&r.fixed_h);
        r.available.iter().for_each(|&x| sink.word(u64::from(x)));
        sink.f64s(self.demand_t);
        sink.f64s(self.vot);
        match self.warm {
            Some(w) => {
                sink.word(1);
                sink.f64s(w);
            }
            None => sink.word(0),
        }
    }

    fn hash(&self) -> u64 {
        let mut h = Hasher {
            lanes: [
                0x243f_6a88_85a3_08d3,
                0x1319_8a2e_0370_7344,
                0xa409_3822_299f_31d0,
                0x082e_fa98_ec4e_6c89,
            ],
            n: 0,
        };
        self.feed(&mut h);
        h.finish()
            ^ (Arc::as_ptr(&self.routes.start) as u64).rotate_left(17)
            ^ (Arc::as_ptr(&self.routes.paths) as u64).rotate_left(41)
    }

    fn words(&self) -> Vec<u64> {
        let mut w = Copier(Vec::new());
        self.feed(&mut w);
        w.0
    }

    fn matches(&self, e: &Entry) -> bool {
        if !(Arc::ptr_eq(&e.start, &self.routes.start)
            && Arc::ptr_eq(&e.paths, &self.routes.paths)
            && Arc::ptr_eq(&e.ln_path_size, &self.routes.ln_path_size))
        {
            return false;
        }
        let mut c = Comparer {
            words: &e.words,
            at: 0,
            equal: true,
        };
        self.feed(&mut c);
        c.equal && c.at == e.words.len()
    }
}

/// Four independent multiply-rotate lanes (so the multiplications overlap).
struct Hasher {
    lanes: [u64; 4],
    n: usize,
}

impl Hasher {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    fn finish(&self) -> u64 {
        let mut h = self.n as u64;
        for l in self.lanes {
            h = (h ^ l).wrapping_mul(Self::K).rotate_left(31);
        }
        h ^ (h >> 29)
    }
}

impl Sink for Hasher {
    #[inline]
    fn word(&mut self, w: u64) {
        let lane = &mut self.lanes[self.n & 3];
        *lane = (*lane ^ w).wrapping_mul(Self::K).rotate_left(27);
        self.n += 1;
    }

    fn f64s(&mut self, xs: &[f64]) {
        let mut quads = xs.chunks_exact(4);
        for q in &mut quads {
            for (lane, x) in self.lanes.iter_mut().zip(q) {
                *lane = (*lane ^ x.to_bits()).wrapping_mul(Self::K).rotate_left(27);
            }
        }
        // Whole quads leave the lane position where it was.
        self.n += xs.len() - quads.remainder().len();
        quads
            .remainder()
            .iter()
            .for_each(|x| self.word(x.to_bits()));
    }
}

struct Copier(Vec<u64>);

impl Sink for Copier {
    fn word(&mut self, w: u64) {
        self.0.push(w);
    }
}

struct Comparer<'a> {
    words: &'a [u64],
    at: usize,
    equal: bool,
}

impl Sink for Comparer<'_> {
    #[inline]
    fn word(&mut self, w: u64) {
        self.equal &= self.words.get(self.at) == Some(&w);
        self.at += 1;
    }

    fn f64s(&mut self, xs: &[f64]) {
        let end = self.at + xs.len();
        self.equal &= self
            .words
            .get(self.at..end)
            .is_some_and(|stored| stored.iter().zip(xs).all(|(s, x)| *s == x.to_bits()));
        self.at = end;
    }
}

impl Entry {
    fn new(routes: &RouteData, words: Vec<u64>, out: Assignment) -> Entry {
        Entry {
            start: routes.start.clone(),
            paths: routes.paths.clone(),
            ln_path_size: routes.ln_path_size.clone(),
            words,
            out,
        }
    }

    /// Words held: the inputs and the result's vectors.
    fn size(&self) -> usize {
        let o = &self.out;
        self.words.len()
            + o.route_flow_t.len()
            + o.arc_flow_t.len()
            + o.arc_time_h.len()
            + o.route_cost_usd.len()
            + o.route_time_h.len()
            + o.unserved_t.len()
    }
}

impl AssignmentMemo {
    /// A memo whose threads each keep at most `max_words` words of entries.
    pub fn with_budget(max_words: usize) -> Self {
        AssignmentMemo {
            slots: Default::default(),
            max_words,
        }
    }

    /// `assign(rc, arcs, routes, demand_t, vot, warm)`, taken from the memo when an
    /// earlier call of this thread had exactly these inputs. `rc` must be the same for
    /// every call on one memo (the engine's route choice).
    ///
    /// `lane` names where in a run the call comes from (a year and period): a lane
    /// whose last `COLD_AFTER` lookups all missed looks up only one call in
    /// `COLD_PROBE` (the result is the solve either way).
    #[allow(clippy::too_many_arguments)]
    pub fn assign(
        &self,
        lane: usize,
        rc: &RouteChoice,
        arcs: &ArcData,
        routes: &RouteData,
        demand_t: &[f64],
        vot: &[f64],
        warm: Option<&[f64]>,
    ) -> Assignment {
        let slot = rayon::current_thread_index().map_or(0, |i| i % SLOTS);
        let Ok(mut memo) = self.slots[slot].try_lock() else {
            return assign(rc, arcs, routes, demand_t, vot, warm);
        };
        if memo.lanes.len() <= lane {
            memo.lanes.resize(lane + 1, (0, 0));
        }
        let (misses, passed) = &mut memo.lanes[lane];
        if *misses >= COLD_AFTER {
            *passed += 1;
            if *passed % COLD_PROBE != 0 {
                drop(memo);
                return assign(rc, arcs, routes, demand_t, vot, warm);
            }
        }
        *misses = misses.saturating_add(1);
        let inputs = Inputs {
            arcs,
            routes,
            demand_t,
            vot,
            warm,
        };
        let hash = inputs.hash();
        if let Some(e) = memo.entries.get(&hash)
            && inputs.matches(e)
        {
            let out = e.out.clone();
            memo.lanes[lane].0 = 0;
            return out;
        }
        let out = assign(rc, arcs, routes, demand_t, vot, warm);
        if memo.entries.contains_key(&hash) {
            // A different key with the same hash: keep the first.
            return out;
        }
        if !memo.seen.insert(hash) {
            let entry = Entry::new(routes, inputs.words(), out.clone());
            let size = entry.size();
            if memo.words + size > self.max_words {
                memo.entries.clear();
                memo.words = 0;
            }
            if size <= self.max_words {
                memo.words += size;
                memo.entries.insert(hash, entry);
            }
        } else if memo.seen.len() >= MAX_SEEN {
            memo.seen.clear();
        }
        out
    }

    /// Words held by all threads' entries (for tests).
    pub fn words(&self) -> usize {
        self.slots
            .iter()
            .map(|s| s.lock().map_or(0, |m| m.words))
            .sum()
    }

    /// Results remembered by all threads (for tests).
    pub fn len(&self) -> usize {
        self.slots
            .iter()
            .map(|s| s.lock().map_or(0, |m| m.entries.len()))
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bpr, ChoiceModel};

    fn rc() -> RouteChoice {
        RouteChoice {
            model: ChoiceModel::Logit,
            k_routes: 3,
            max_detour: 2.0,
            logit_scale_per_usd: 0.05,
            path_size: false,
            distinct_corridors: false,
            max_iterations: 500,
            tolerance: 1e-9,
        }
    }

    /// Two demand rows over three congestible arcs: row 0 on arc 0 or arc 1, row 1 on
    /// arc 1 or arc 2.
    fn network() -> (ArcData, RouteData) {
        let arcs = ArcData {
            t0_h: vec![10.0, 12.0, 9.0],
            capacity_tpy: vec![100.0, 150.0, 80.0],
            bpr: vec![
                Bpr {
                    alpha: 0.15,
                    beta: 4.0
                };
                3
            ],
        };
        let routes = RouteData {
            start: Arc::new(vec![0, 2, 4]),
            paths: Arc::new(Paths {
                offsets: vec![0, 1, 2, 3, 4],
                arcs: vec![0, 1, 1, 2],
            }),
            fixed_usd: vec![5.0, 3.0, 4.0, 6.0],
            fixed_h: vec![1.0, 2.0, 0.5, 0.0],
            ln_path_size: Arc::new(vec![0.0; 4]),
            available: vec![true; 4],
        };
        (arcs, routes)
    }

    type Case = (ArcData, RouteData, Vec<f64>, Vec<f64>, Option<Vec<f64>>);

    fn inputs(c: &Case) -> Inputs<'_> {
        Inputs {
            arcs: &c.0,
            routes: &c.1,
            demand_t: &c.2,
            vot: &c.3,
            warm: c.4.as_deref(),
        }
    }

    #[test]
    fn a_remembered_result_is_the_solve_and_any_changed_input_is_solved_afresh() {
        let rc = rc();
        let (arcs, routes) = network();
        let (demand, vot) = (vec![120.0, 90.0], vec![2.0, 3.0]);
        let memo = AssignmentMemo::default();
        let fresh = assign(&rc, &arcs, &routes, &demand, &vot, None);
        assert!(fresh.converged && fresh.iterations > 1);
        // Remembered on the second sighting, taken on the third: all three the solve.
        for seen in 1..=3 {
            let got = memo.assign(0, &rc, &arcs, &routes, &demand, &vot, None);
            assert_eq!(got, fresh);
            assert_eq!(memo.len(), usize::from(seen >= 2));
        }
        // Each input changed in turn, by one unit in the last place where it is a
        // number: another key. And changed enough to move the result: solved afresh
        // (a wrong hit would show).
        let ulp = |x: f64| f64::from_bits(x.to_bits() + 1);
        let bump = |x: f64| x * (1.0 + 1e-6);
        let words = |c: &Case| inputs(c).words();
        let base: Case = (
            arcs.clone(),
            routes.clone(),
            demand.clone(),
            vot.clone(),
            None,
        );
        let changed = |k: usize, by: &dyn Fn(f64) -> f64| {
            let mut c = base.clone();
            match k {
                0 => c.0.t0_h[2] = by(c.0.t0_h[2]),
                1 => c.0.capacity_tpy[1] = by(c.0.capacity_tpy[1]),
                2 => c.0.bpr[0].beta = by(c.0.bpr[0].beta),
                3 => c.0.bpr[2].alpha = by(c.0.bpr[2].alpha),
                4 => c.1.fixed_usd[3] = by(c.1.fixed_usd[3]),
                5 => c.1.fixed_h[0] = by(c.1.fixed_h[0]),
                6 => c.1.available[1] = false,
                7 => c.2[1] = by(c.2[1]),
                8 => c.3[0] = by(c.3[0]),
                _ => c.4 = Some(fresh.route_flow_t.clone()),
            }
            c
        };
        let entry = Entry::new(&routes, words(&base), fresh.clone());
        let matches = |c: &Case| inputs(c).matches(&entry);
        assert!(matches(&base));
        for k in 0..10 {
            assert_ne!(words(&changed(k, &ulp)), words(&base), "case {k}");
            assert!(!matches(&changed(k, &ulp)), "case {k}");
            let (a, r, d, v, w) = changed(k, &bump);
            let expected = assign(&rc, &a, &r, &d, &v, w.as_deref());
            assert_ne!(expected, fresh, "case {k} changes nothing");
            for _ in 0..3 {
                let got = memo.assign(0, &rc, &a, &r, &d, &v, w.as_deref());
                assert_eq!(got, expected, "case {k}");
            }
        }
        // Routes with equal contents at another address are another key.
        let mut copy = routes.clone();
        copy.paths = Arc::new((*routes.paths).clone());
        let got = memo.assign(0, &rc, &arcs, &copy, &demand, &vot, None);
        assert_eq!(got, fresh);
        assert_eq!(memo.len(), 1 + 10);
    }

    #[test]
    fn a_memo_keeps_within_its_budget_and_still_answers_rightly() {
        let rc = rc();
        let (arcs, routes) = network();
        let vot = vec![2.0, 3.0];
        let demands: Vec<Vec<f64>> = (0..40).map(|k| vec![100.0 + k as f64, 90.0]).collect();
        // One entry of this network: its inputs and its result.
        let one = {
            let memo = AssignmentMemo::default();
            for _ in 0..2 {
                memo.assign(0, &rc, &arcs, &routes, &demands[0], &vot, None);
            }
            memo.words()
        };
        assert!(one > 30, "{one}");
        let memo = AssignmentMemo::with_budget(5 * one);
        for round in 0..3 {
            for d in &demands {
                let got = memo.assign(0, &rc, &arcs, &routes, d, &vot, None);
                assert_eq!(
                    got,
                    assign(&rc, &arcs, &routes, d, &vot, None),
                    "round {round}"
                );
                assert!(memo.words() <= 5 * one && memo.len() <= 5);
            }
        }
        assert!(!memo.is_empty());
        // An entry larger than the whole budget is never kept.
        let tiny = AssignmentMemo::with_budget(one - 1);
        for _ in 0..3 {
            tiny.assign(0, &rc, &arcs, &routes, &demands[0], &vot, None);
        }
        assert_eq!((tiny.len(), tiny.words()), (0, 0));
    }

    #[test]
    fn a_lane_whose_lookups_all_miss_stops_looking_and_warms_on_a_hit() {
        let rc = rc();
        let (arcs, routes) = network();
        let vot = vec![2.0, 3.0];
        let memo = AssignmentMemo::default();
        let demand = |k: usize| vec![100.0 + k as f64, 90.0];
        let call = |lane: usize, d: &[f64]| {
            let got = memo.assign(lane, &rc, &arcs, &routes, d, &vot, None);
            assert_eq!(got, assign(&rc, &arcs, &routes, d, &vot, None));
        };
        // Lane 1 meets COLD_AFTER keys once each: it goes cold.
        for k in 0..COLD_AFTER as usize {
            call(1, &demand(k));
        }
        assert_eq!(memo.len(), 0);
        // A key seen twice on the cold lane is not looked up, so not remembered; on
        // another lane it is, on its second sighting.
        let x = demand(10_000);
        call(1, &x);
        call(1, &x);
        assert_eq!(memo.len(), 0);
        call(0, &x);
        call(0, &x);
        assert_eq!(memo.len(), 1);
        // The cold lane's next probe (one call in COLD_PROBE) takes the key: the lane
        // warms, and looks up again (a new key remembered on its second sighting).
        for _ in 0..COLD_PROBE {
            call(1, &x);
        }
        let y = demand(20_000);
        call(1, &y);
        call(1, &y);
        assert_eq!(memo.len(), 2);
    }

    #[test]
    fn the_hash_covers_every_word_and_its_place() {
        let (arcs, routes) = network();
        let (demand, vot) = (vec![120.0, 90.0], vec![2.0, 3.0]);
        let at = |d: &[f64], v: &[f64]| {
            Inputs {
                arcs: &arcs,
                routes: &routes,
                demand_t: d,
                vot: v,
                warm: None,
            }
            .hash()
        };
        let h = at(&demand, &vot);
        assert_eq!(h, at(&demand, &vot));
        // Swapped values, or a value moved from one input to the next, hash otherwise.
        assert_ne!(h, at(&[90.0, 120.0], &vot));
        assert_ne!(h, at(&[120.0, 2.0], &[90.0, 3.0]));
    }
}
