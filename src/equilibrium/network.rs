//! The road network and demand an equilibrium is solved on: links in dense arrays, the
//! links leaving each node in compressed rows (CSR), demand grouped by origin.
//!
//! Link cost (BPR, Bureau of Public Roads 1964, in the TNTP convention of anchors.md):
//! t(x) = fft (1 + b (x / c)^p) + fixed, with `fixed` a flow-independent cost (for
//! TNTP: toll_factor x toll + distance_factor x length). Power 0 makes the cost the
//! constant fft (1 + b); free-flow time 0 is allowed.

use thiserror::Error;

/// A network or demand that cannot be solved.
#[derive(Debug, Error, PartialEq)]
pub enum NetworkError {
    #[error("link {link}: {message}")]
    BadLink { link: usize, message: String },
    #[error("demand row {row}: node {node} outside 0..{n_nodes}")]
    BadNode {
        row: usize,
        node: usize,
        n_nodes: usize,
    },
    #[error("no route from node {origin} to node {destination} (demand {flow})")]
    Unreachable {
        origin: usize,
        destination: usize,
        flow: f64,
    },
}

/// One directed link (nodes 0-based).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub tail: usize,
    pub head: usize,
    /// Free-flow time (any unit; costs are in the same unit).
    pub fft: f64,
    pub capacity: f64,
    pub b: f64,
    pub power: f64,
    /// Flow-independent cost added to the time.
    pub fixed: f64,
}

/// Links in dense arrays and the out-links of each node in CSR form.
#[derive(Debug, Clone)]
pub struct Network {
    pub n_nodes: usize,
    /// Nodes `0..first_through` are zones that carry no through traffic: a route may
    /// start or end there but never pass through (TNTP's first through node).
    pub first_through: usize,
    pub tail: Vec<u32>,
    pub head: Vec<u32>,
    pub fft: Vec<f64>,
    pub capacity: Vec<f64>,
    pub b: Vec<f64>,
    pub power: Vec<f64>,
    pub fixed: Vec<f64>,
    /// Out-links of node n: `out_link[first_out[n]..first_out[n + 1]]`.
    pub first_out: Vec<u32>,
    pub out_link: Vec<u32>,
}

impl Network {
    /// Builds the network; `first_through` is 0 when every node may carry through
    /// traffic.
    pub fn new(
        n_nodes: usize,
        first_through: usize,
        links: &[Link],
    ) -> Result<Network, NetworkError> {
        for (i, l) in links.iter().enumerate() {
            let bad = |m: &str| {
                Err(NetworkError::BadLink {
                    link: i,
                    message: m.to_string(),
                })
            };
            if l.tail >= n_nodes || l.head >= n_nodes {
                return bad("node outside the network");
            }
            let vals = [l.fft, l.b, l.power, l.fixed, l.capacity];
            if vals.iter().any(|v| !v.is_finite() || *v < 0.0) {
                return bad("negative or non-finite parameter");
            }
            if l.b > 0.0 && l.power > 0.0 && l.capacity <= 0.0 {
                return bad("capacity must be > 0 where the cost rises with flow");
            }
        }
        let mut first_out = vec![0u32; n_nodes + 1];
        for l in links {
            first_out[l.tail + 1] += 1;
        }
        for n in 0..n_nodes {
            first_out[n + 1] += first_out[n];
        }
        let mut fill = first_out.clone();
        let mut out_link = vec![0u32; links.len()];
        for (i, l) in links.iter().enumerate() {
            out_link[fill[l.tail] as usize] = i as u32;
            fill[l.tail] += 1;
        }
        Ok(Network {
            n_nodes,
            first_through,
            tail: links.iter().map(|l| l.tail as u32).collect(),
            head: links.iter().map(|l| l.head as u32).collect(),
            fft: links.iter().map(|l| l.fft).collect(),
            capacity: links.iter().map(|l| l.capacity).collect(),
            b: links.iter().map(|l| l.b).collect(),
            power: links.iter().map(|l| l.power).collect(),
            fixed: links.iter().map(|l| l.fixed).collect(),
            first_out,
            out_link,
        })
    }

    pub fn n_links(&self) -> usize {
        self.fft.len()
    }

    /// (x / c)^p with fast paths for the usual whole powers; 1 for p = 0.
    #[inline]
    fn ratio_pow(&self, l: usize, x: f64, p: f64) -> f64 {
        let r = if x > 0.0 { x / self.capacity[l] } else { 0.0 };
        if p == 4.0 {
            let r2 = r * r;
            r2 * r2
        } else if p == 0.0 {
            1.0
        } else if p == 1.0 {
            r
        } else if p == p.trunc() && p <= 16.0 {
            r.powi(p as i32)
        } else {
            r.powf(p)
        }
    }

    /// Cost of link `l` at flow `x`.
    #[inline]
    pub fn cost(&self, l: usize, x: f64) -> f64 {
        let b = self.b[l];
        if b == 0.0 {
            return self.fft[l] + self.fixed[l];
        }
        self.fft[l] * (1.0 + b * self.ratio_pow(l, x, self.power[l])) + self.fixed[l]
    }

    /// d cost / d x of link `l` at flow `x`.
    #[inline]
    pub fn derivative(&self, l: usize, x: f64) -> f64 {
        let (b, p) = (self.b[l], self.power[l]);
        if b == 0.0 || p == 0.0 || x <= 0.0 {
            return 0.0;
        }
        self.fft[l] * b * p * self.ratio_pow(l, x, p - 1.0) / self.capacity[l]
    }

    /// The Beckmann objective: sum over links of the integral of the cost from 0 to
    /// the flow, fft (x + b c / (p + 1) (x / c)^(p + 1)) + fixed x (Beckmann, McGuire
    /// and Winsten, 1956).
    pub fn beckmann(&self, flow: &[f64]) -> f64 {
        let mut z = 0.0;
        for (l, &x) in flow.iter().enumerate() {
            let (b, p) = (self.b[l], self.power[l]);
            let congestion = if b == 0.0 || x <= 0.0 {
                0.0
            } else {
                b * self.capacity[l] / (p + 1.0) * self.ratio_pow(l, x, p + 1.0)
            };
            z += self.fft[l] * (x + congestion) + self.fixed[l] * x;
        }
        z
    }

    /// Whether a route may pass through node `n` (not only start or end there).
    #[inline]
    pub fn passable(&self, n: usize) -> bool {
        n >= self.first_through
    }
}

/// Demand grouped by origin: the rows of origin `origins[i]` are
/// `start[i]..start[i + 1]` in `dest` and `flow`.
#[derive(Debug, Clone, Default)]
pub struct Demand {
    pub origins: Vec<u32>,
    pub start: Vec<usize>,
    pub dest: Vec<u32>,
    pub flow: Vec<f64>,
}

impl Demand {
    /// Groups (origin, destination, flow) rows by origin (ascending), destinations in
    /// ascending order, repeated pairs summed; zero flows and origin = destination
    /// dropped.
    pub fn new(n_nodes: usize, rows: &[(usize, usize, f64)]) -> Result<Demand, NetworkError> {
        let mut v: Vec<(usize, usize, f64)> = Vec::with_capacity(rows.len());
        for (i, &(o, d, f)) in rows.iter().enumerate() {
            for n in [o, d] {
                if n >= n_nodes {
                    return Err(NetworkError::BadNode {
                        row: i,
                        node: n,
                        n_nodes,
                    });
                }
            }
            if f > 0.0 && o != d {
                v.push((o, d, f));
            }
        }
        v.sort_by_key(|a| (a.0, a.1));
        let mut dm = Demand::default();
        for (o, d, f) in v {
            if dm.origins.last() != Some(&(o as u32)) {
                dm.origins.push(o as u32);
                dm.start.push(dm.dest.len());
            } else if dm.dest.last() == Some(&(d as u32)) {
                *dm.flow.last_mut().expect("pushed") += f;
                continue;
            }
            dm.dest.push(d as u32);
            dm.flow.push(f);
        }
        dm.start.push(dm.dest.len());
        Ok(dm)
    }

    pub fn n_pairs(&self) -> usize {
        self.dest.len()
    }

    pub fn total(&self) -> f64 {
        self.flow.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(tail: usize, head: usize, b: f64, power: f64) -> Link {
        Link {
            tail,
            head,
            fft: 2.0,
            capacity: 10.0,
            b,
            power,
            fixed: 0.5,
        }
    }

    #[test]
    fn cost_derivative_and_beckmann_agree_with_calculus() {
        let n = Network::new(
            2,
            0,
            &[
                link(0, 1, 0.15, 4.0),
                link(0, 1, 0.3, 2.5),
                link(1, 0, 1.0, 0.0),
            ],
        )
        .unwrap();
        // Closed form at capacity: fft (1 + b) + fixed.
        assert!((n.cost(0, 10.0) - (2.0 * 1.15 + 0.5)).abs() < 1e-12);
        // Power 0: constant fft (1 + b) + fixed, zero derivative.
        assert_eq!(n.cost(2, 0.0), 2.0 * 2.0 + 0.5);
        assert_eq!(n.derivative(2, 5.0), 0.0);
        for l in 0..2 {
            let h = 1e-5;
            let x = 7.3;
            let num = (n.cost(l, x + h) - n.cost(l, x - h)) / (2.0 * h);
            assert!((num - n.derivative(l, x)).abs() < 1e-7, "link {l}");
            // d Beckmann / d x_l = cost_l(x_l).
            let mut f = vec![0.0; 3];
            f[l] = x + h;
            let up = n.beckmann(&f);
            f[l] = x - h;
            let down = n.beckmann(&f);
            assert!(
                ((up - down) / (2.0 * h) - n.cost(l, x)).abs() < 1e-6,
                "link {l}"
            );
        }
    }

    #[test]
    fn csr_lists_each_nodes_out_links() {
        let n = Network::new(
            3,
            0,
            &[
                link(1, 2, 0.0, 0.0),
                link(0, 1, 0.0, 0.0),
                link(1, 0, 0.0, 0.0),
            ],
        )
        .unwrap();
        assert_eq!(n.first_out, vec![0, 1, 3, 3]);
        assert_eq!(n.out_link, vec![1, 0, 2]);
        assert!(Network::new(2, 0, &[link(0, 5, 0.0, 0.0)]).is_err());
    }

    #[test]
    fn demand_groups_by_origin_and_sums_repeats() {
        let d = Demand::new(
            4,
            &[
                (2, 1, 1.0),
                (0, 3, 2.0),
                (0, 1, 3.0),
                (0, 3, 0.5),
                (1, 1, 9.0),
                (3, 0, 0.0),
            ],
        )
        .unwrap();
        assert_eq!(d.origins, vec![0, 2]);
        assert_eq!(d.start, vec![0, 2, 3]);
        assert_eq!(d.dest, vec![1, 3, 1]);
        assert_eq!(d.flow, vec![3.0, 2.5, 1.0]);
    }
}
