//! The turns of a network: which arc a route may take after which, and what passing
//! the node between them costs (`cost::node_step`: a border, a transfer, a gauge change,
//! a port), found once for a set of open links and node values and shared by every
//! search over them (the candidate routes' k-shortest searches, the network check's
//! trees). Each search prices a step at its own value of time, as `Step::cost` does,
//! so its labels are the same sums as with the steps computed afresh.

use crate::cost::{Step, node_step};
use crate::model::Scenario;
use crate::network::{Arcs, NodeValues};

/// The turns of the open network, in compressed rows: `to[from[a]..from[a + 1]]` are the
/// arcs a route on arc `a` may take next at its head (open, not back along its own link,
/// none where the head carries no through traffic), in `Arcs::out` order, with the
/// node step of each; `start[a]` is the step of starting a route on `a` (at its tail),
/// `close[a]` that of ending one on `a` (at its head).
pub struct Turns {
    from: Vec<u32>,
    to: Vec<(u32, Step)>,
    start: Vec<Step>,
    close: Vec<Step>,
}

impl Turns {
    /// The turns of `arcs` with the links `open` and the node values `nodes`.
    pub fn new(s: &Scenario, arcs: &Arcs, nodes: &[NodeValues], open: &[bool]) -> Turns {
        let n = arcs.arcs.len();
        let mut t = Turns {
            from: Vec::with_capacity(n + 1),
            to: Vec::new(),
            start: Vec::with_capacity(n),
            close: Vec::with_capacity(n),
        };
        t.from.push(0);
        for a in &arcs.arcs {
            let head = a.head;
            t.start.push(node_step(s, &nodes[a.tail], None, Some(a)));
            t.close.push(node_step(s, &nodes[head], Some(a), None));
            if open[a.link] && s.nodes[head].through_traffic {
                for &b in &arcs.out[head] {
                    let next = &arcs.arcs[b];
                    if open[next.link] && next.link != a.link {
                        t.to.push((b as u32, node_step(s, &nodes[head], Some(a), Some(next))));
                    }
                }
            }
            t.from.push(t.to.len() as u32);
        }
        t
    }

    /// The arcs a route on arc `a` may take next, each with the step at `a`'s head.
    #[inline]
    pub fn after(&self, a: usize) -> &[(u32, Step)] {
        &self.to[self.from[a] as usize..self.from[a + 1] as usize]
    }

    /// The step of starting a route on arc `a`.
    #[inline]
    pub fn start(&self, a: usize) -> Step {
        self.start[a]
    }

    /// The step of ending a route on arc `a`.
    #[inline]
    pub fn close(&self, a: usize) -> Step {
        self.close[a]
    }
}

#[cfg(test)]
mod tests {
    use super::Turns;
    use crate::cost::node_step;
    use crate::network::{Arcs, Instance};

    /// On the shipped network, with its links as open in its first year (some closed)
    /// and all open: a turn a -> b is listed exactly when b leaves a's head, both links
    /// are open, b is not a's own link and the head carries through traffic, with the
    /// node step of `cost::node_step` to the bit; the start and close steps too.
    #[test]
    fn turns_are_the_open_pairs_with_their_node_steps() {
        let loaded = crate::test_scenario::default_scenario();
        let s = &loaded;
        let arcs = Arcs::new(s);
        let inst = Instance::new(s, None);
        let first = inst.year_state(s.first_year).open;
        assert!(
            first.iter().any(|o| !o),
            "some link is closed in the first year"
        );
        let bits = |x: crate::cost::Step| (x.usd.to_bits(), x.h.to_bits());
        for open in [first, vec![true; s.links.len()]] {
            let turns = Turns::new(s, &arcs, &inst.nodes, &open);
            let mut listed = 0;
            for (a, arc) in arcs.arcs.iter().enumerate() {
                let head = &inst.nodes[arc.head];
                assert_eq!(
                    bits(turns.close(a)),
                    bits(node_step(s, head, Some(arc), None))
                );
                let tail = &inst.nodes[arc.tail];
                assert_eq!(
                    bits(turns.start(a)),
                    bits(node_step(s, tail, None, Some(arc)))
                );
                let after = turns.after(a);
                for &b in &arcs.out[arc.head] {
                    let next = &arcs.arcs[b];
                    let turn = after.iter().find(|(x, _)| *x as usize == b);
                    let expected = open[arc.link]
                        && open[next.link]
                        && next.link != arc.link
                        && s.nodes[arc.head].through_traffic;
                    assert_eq!(turn.is_some(), expected, "turn {a} -> {b}");
                    if let Some(&(_, step)) = turn {
                        assert_eq!(bits(step), bits(node_step(s, head, Some(arc), Some(next))));
                    }
                }
                assert!(
                    after
                        .iter()
                        .all(|(b, _)| arcs.out[arc.head].contains(&(*b as usize)))
                );
                listed += after.len();
            }
            assert!(listed > arcs.arcs.len(), "the network has turns");
        }
    }
}
