//! Bounded nonlinear least squares: Levenberg-Marquardt (Marquardt's diagonal scaling)
//! with a forward-difference Jacobian, on variables scaled to [0, 1] by their bounds.
//! Bounds are kept by projection with an active set: a variable at a bound whose
//! gradient pushes it out is held there for the step (Kanzow, Yamashita and Fukushima
//! 2004, "Levenberg-Marquardt methods with strong local convergence properties for
//! solving nonlinear equations with convex constraints"; Nocedal and Wright ch. 10 and
//! 16.7). Small dense problems only (a handful of constants, tens of residuals), so the
//! linear algebra is plain Gaussian elimination and a Jacobi eigenvalue sweep.

// Matrix code indexes rows and columns by name, as the formulas do.
#![allow(clippy::needless_range_loop)]

/// Forward-difference step in scaled units (1/500 of a bound's range).
pub const FD_STEP: f64 = 2e-3;

/// The outcome of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Scaled variables at the end, in [0, 1].
    pub x: Vec<f64>,
    pub residuals: Vec<f64>,
    /// Jacobian of the residuals in scaled variables at `x` (row per residual).
    pub jacobian: Vec<Vec<f64>>,
    /// Half the sum of squared residuals, at the start and at the end.
    pub cost_start: f64,
    pub cost: f64,
    pub iterations: usize,
    pub evaluations: usize,
    /// Stopped on a small step or a small gain, not on the iteration limit.
    pub converged: bool,
}

fn half_ss(r: &[f64]) -> f64 {
    0.5 * r.iter().map(|v| v * v).sum::<f64>()
}

/// Jacobian by forward differences (backward at the upper bound).
fn jacobian(
    f: &mut dyn FnMut(&[f64]) -> Vec<f64>,
    x: &[f64],
    r: &[f64],
    evals: &mut usize,
) -> Vec<Vec<f64>> {
    let (n, k) = (r.len(), x.len());
    let mut j = vec![vec![0.0; k]; n];
    for c in 0..k {
        let h = if x[c] + FD_STEP <= 1.0 {
            FD_STEP
        } else {
            -FD_STEP
        };
        let mut xh = x.to_vec();
        xh[c] += h;
        let rh = f(&xh);
        *evals += 1;
        for i in 0..n {
            j[i][c] = (rh[i] - r[i]) / h;
        }
    }
    j
}

/// Minimises half the sum of squares of `f(x)` over x in [0, 1]^k from `x0`.
pub fn minimize(
    f: &mut dyn FnMut(&[f64]) -> Vec<f64>,
    x0: &[f64],
    max_iterations: usize,
) -> Solution {
    let k = x0.len();
    let mut x: Vec<f64> = x0.iter().map(|v| v.clamp(0.0, 1.0)).collect();
    let mut r = f(&x);
    let mut evals = 1;
    let cost_start = half_ss(&r);
    let mut cost = cost_start;
    let mut lambda = 1e-3;
    let mut converged = false;
    let mut iterations = 0;
    let mut j = jacobian(f, &x, &r, &mut evals);
    while iterations < max_iterations {
        iterations += 1;
        let (a, g) = normal_equations(&j, &r);
        // Active set: variables at a bound that the gradient pushes outwards.
        let free: Vec<bool> = (0..k)
            .map(|c| !((x[c] <= 0.0 && g[c] > 0.0) || (x[c] >= 1.0 && g[c] < 0.0)))
            .collect();
        let pg: f64 = (0..k)
            .filter(|&c| free[c])
            .map(|c| g[c].abs())
            .fold(0.0, f64::max);
        if pg < 1e-12 {
            converged = true;
            break;
        }
        let mut accepted = false;
        let mut small_step = false;
        while lambda < 1e10 {
            let mut m = vec![vec![0.0; k]; k];
            let mut rhs = vec![0.0; k];
            for p in 0..k {
                for q in 0..k {
                    m[p][q] = if free[p] && free[q] { a[p][q] } else { 0.0 };
                }
                m[p][p] = if free[p] {
                    a[p][p] + lambda * a[p][p].max(1e-9)
                } else {
                    1.0
                };
                rhs[p] = if free[p] { -g[p] } else { 0.0 };
            }
            let Some(step) = solve(m, rhs) else {
                lambda *= 4.0;
                continue;
            };
            let xn: Vec<f64> = x
                .iter()
                .zip(&step)
                .map(|(v, d)| (v + d).clamp(0.0, 1.0))
                .collect();
            // The gain the linear model predicts for the (projected) step: when it is
            // negligible against the cost, no model run can do better.
            let d: Vec<f64> = xn.iter().zip(&x).map(|(a, b)| a - b).collect();
            let ad: f64 = (0..k)
                .map(|p| d[p] * (0..k).map(|q| a[p][q] * d[q]).sum::<f64>())
                .sum();
            let predicted = -(0..k).map(|p| g[p] * d[p]).sum::<f64>() - 0.5 * ad;
            if predicted <= 1e-9 * cost + 1e-15 {
                small_step = true;
                break;
            }
            let moved = x
                .iter()
                .zip(&xn)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            if moved < 1e-9 {
                small_step = true;
                break;
            }
            let rn = f(&xn);
            evals += 1;
            let cn = half_ss(&rn);
            if cn < cost {
                let gain = cost - cn;
                x = xn;
                r = rn;
                cost = cn;
                lambda = (lambda / 3.0).max(1e-9);
                accepted = true;
                if gain <= 1e-10 * cost.max(1e-12) || moved < 1e-7 {
                    small_step = true;
                }
                break;
            }
            lambda *= 4.0;
        }
        if !accepted || small_step {
            converged = true;
            if accepted {
                j = jacobian(f, &x, &r, &mut evals);
            }
            break;
        }
        j = jacobian(f, &x, &r, &mut evals);
    }
    Solution {
        x,
        residuals: r,
        jacobian: j,
        cost_start,
        cost,
        iterations,
        evaluations: evals,
        converged,
    }
}

/// JᵀJ and Jᵀr.
pub fn normal_equations(j: &[Vec<f64>], r: &[f64]) -> (Vec<Vec<f64>>, Vec<f64>) {
    let k = j.first().map_or(0, Vec::len);
    let mut a = vec![vec![0.0; k]; k];
    let mut g = vec![0.0; k];
    for (row, ri) in j.iter().zip(r) {
        for p in 0..k {
            g[p] += row[p] * ri;
            for q in 0..k {
                a[p][q] += row[p] * row[q];
            }
        }
    }
    (a, g)
}

/// Solves m x = b by Gaussian elimination with partial pivoting; `None` if singular.
pub fn solve(mut m: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))?;
        if m[p][c].abs() < 1e-300 || !m[p][c].is_finite() {
            return None;
        }
        m.swap(c, p);
        b.swap(c, p);
        for i in c + 1..n {
            let f = m[i][c] / m[c][c];
            for j in c..n {
                m[i][j] -= f * m[c][j];
            }
            b[i] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|j| m[i][j] * x[j]).sum();
        x[i] = (b[i] - s) / m[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The inverse of a small matrix; `None` if singular.
pub fn inverse(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = m.len();
    let mut cols = Vec::with_capacity(n);
    for c in 0..n {
        let mut e = vec![0.0; n];
        e[c] = 1.0;
        cols.push(solve(m.to_vec(), e)?);
    }
    Some(
        (0..n)
            .map(|i| (0..n).map(|j| cols[j][i]).collect())
            .collect(),
    )
}

/// Eigenvalues of a symmetric matrix (cyclic Jacobi), largest first.
pub fn symmetric_eigenvalues(m: &[Vec<f64>]) -> Vec<f64> {
    let n = m.len();
    let mut a = m.to_vec();
    for _ in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k][p], a[k][q]);
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
            }
        }
    }
    let mut ev: Vec<f64> = (0..n).map(|i| a[i][i]).collect();
    ev.sort_by(|a, b| b.total_cmp(a));
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_an_exponential_decay_exactly() {
        // y = a exp(-b t) at t = 0..5 with a = 2 + 6 x0, b = 0.1 + 0.9 x1: the truth is
        // a = 5, b = 0.4, i.e. x = (0.5, 1/3).
        let ts = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let mut f = |x: &[f64]| -> Vec<f64> {
            let (a, b) = (2.0 + 6.0 * x[0], 0.1 + 0.9 * x[1]);
            ts.iter()
                .map(|t: &f64| a * (-b * t).exp() - 5.0 * (-0.4 * t).exp())
                .collect()
        };
        let s = minimize(&mut f, &[0.1, 0.9], 100);
        assert!(s.converged);
        assert!((s.x[0] - 0.5).abs() < 1e-5, "{:?}", s.x);
        assert!((s.x[1] - 1.0 / 3.0).abs() < 1e-5, "{:?}", s.x);
        assert!(s.cost < 1e-10);
    }

    #[test]
    fn a_bound_holds_when_the_optimum_lies_beyond_it() {
        // Minimum of (x0 - 1.5)^2 + (x1 - 0.25)^2 over the unit square: x0 = 1, x1 = 0.25.
        let mut f = |x: &[f64]| vec![x[0] - 1.5, x[1] - 0.25];
        let s = minimize(&mut f, &[0.2, 0.8], 50);
        assert_eq!(s.x[0], 1.0);
        assert!((s.x[1] - 0.25).abs() < 1e-6);
    }

    #[test]
    fn linear_algebra_against_hand_results() {
        let m = vec![vec![4.0, 1.0], vec![1.0, 3.0]];
        let inv = inverse(&m).unwrap();
        // det = 11: inverse = [3, -1; -1, 4] / 11.
        assert!((inv[0][0] - 3.0 / 11.0).abs() < 1e-12);
        assert!((inv[0][1] + 1.0 / 11.0).abs() < 1e-12);
        let ev = symmetric_eigenvalues(&m);
        // (7 ± sqrt 5) / 2.
        assert!((ev[0] - (7.0 + 5f64.sqrt()) / 2.0).abs() < 1e-10);
        assert!((ev[1] - (7.0 - 5f64.sqrt()) / 2.0).abs() < 1e-10);
        assert!(solve(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 2.0]).is_none());
    }
}
