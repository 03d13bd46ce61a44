//! Sample-based sensitivity measures from replications already run: Spearman rank
//! correlation, standardized rank regression coefficients (SRRC) with the rank R², and
//! Crystal Ball's contribution to variance (ρ² normalised). Research sheet
//! `sensitivity.md` §1 [V1][V3][V6][V25][V26]: Spearman ρ_i = Pearson correlation of
//! rank(X_i) and rank(Y); SRRC_i = the OLS coefficient of standardized rank(Y) on the
//! standardized ranks of all inputs; CtV_i = ρ_i² / Σ_j ρ_j².
//!
//! These measures see monotone effects only: a non-monotone input can explain much of
//! the variance with ρ ≈ 0 (Ishigami's x2, sheet §3.4). The rank R² says how much of the
//! output's rank variance the monotone model explains; report it beside them.

/// Ranks 1..n, ties sharing their average rank.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation; 0 when either series is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 2 {
        return 0.0;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (a, b) = (x[i] - mx, y[i] - my);
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Spearman rank correlation.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// Standardized regression coefficients of `y` on the columns `xs` (ordinary least
/// squares on z-scores) and R². Constant columns, and columns that add nothing to those
/// before them (collinear), get a coefficient of 0.
pub fn standardized_regression(xs: &[Vec<f64>], y: &[f64]) -> (Vec<f64>, f64) {
    let n = y.len();
    let k = xs.len();
    let z = |v: &[f64]| -> Option<Vec<f64>> {
        let m = v.iter().sum::<f64>() / n as f64;
        let sd = (v.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / n as f64).sqrt();
        (sd > 1e-12 * (1.0 + m.abs())).then(|| v.iter().map(|a| (a - m) / sd).collect())
    };
    let Some(zy) = z(y) else {
        return (vec![0.0; k], 0.0);
    };
    let cols: Vec<Option<Vec<f64>>> = xs.iter().map(|x| z(x)).collect();
    let used: Vec<usize> = (0..k).filter(|&i| cols[i].is_some()).collect();
    let m = used.len();
    // Normal equations (Z'Z) b = Z'y, solved by Gaussian elimination with pivoting.
    let mut a = vec![vec![0.0; m + 1]; m];
    for (r, &i) in used.iter().enumerate() {
        let ci = cols[i].as_ref().expect("used");
        for (c, &j) in used.iter().enumerate() {
            let cj = cols[j].as_ref().expect("used");
            a[r][c] = ci.iter().zip(cj).map(|(p, q)| p * q).sum::<f64>();
        }
        a[r][m] = ci.iter().zip(&zy).map(|(p, q)| p * q).sum::<f64>();
    }
    let mut active = vec![true; m];
    for col in 0..m {
        let piv = (col..m).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()));
        let Some(piv) = piv else { break };
        if a[piv][col].abs() < 1e-9 * n as f64 {
            active[col] = false;
            continue;
        }
        a.swap(col, piv);
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                if f != 0.0 {
                    for (v, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                        *v -= f * p;
                    }
                }
            }
        }
    }
    let mut coef = vec![0.0; k];
    for (c, &i) in used.iter().enumerate() {
        if active[c] && a[c][c].abs() > 0.0 {
            coef[i] = a[c][m] / a[c][c];
        }
    }
    // R² = 1 - SSE / SST on the z-scores (SST = n).
    let mut sse = 0.0;
    for (t, zt) in zy.iter().enumerate() {
        let fit: f64 = used
            .iter()
            .map(|&i| coef[i] * cols[i].as_ref().expect("used")[t])
            .sum();
        sse += (zt - fit).powi(2);
    }
    (coef, (1.0 - sse / n as f64).clamp(0.0, 1.0))
}

/// The rank measures of every input for one output.
#[derive(Debug, Clone, PartialEq)]
pub struct RankMeasures {
    pub spearman: Vec<f64>,
    pub srrc: Vec<f64>,
    /// ρ² / Σρ² (Crystal Ball's approximate contribution to variance).
    pub contribution: Vec<f64>,
    /// R² of the regression on ranks.
    pub r2: f64,
    /// Replications used (those where the output is a number).
    pub n: usize,
}

/// Rank measures of inputs `xs` (one column per input) for output `y`; replications
/// where `y` is not a number are left out.
pub fn rank_measures(xs: &[Vec<f64>], y: &[f64]) -> RankMeasures {
    let keep: Vec<usize> = (0..y.len()).filter(|&i| y[i].is_finite()).collect();
    let yk: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
    let ry = ranks(&yk);
    let rx: Vec<Vec<f64>> = xs
        .iter()
        .map(|x| ranks(&keep.iter().map(|&i| x[i]).collect::<Vec<_>>()))
        .collect();
    let spearman: Vec<f64> = rx.iter().map(|x| pearson(x, &ry)).collect();
    let (srrc, r2) = standardized_regression(&rx, &ry);
    let total: f64 = spearman.iter().map(|r| r * r).sum();
    let contribution = spearman
        .iter()
        .map(|r| if total > 0.0 { r * r / total } else { 0.0 })
        .collect();
    RankMeasures {
        spearman,
        srrc,
        contribution,
        r2,
        n: keep.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_their_average_rank() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn srrc_of_a_linear_model_matches_its_standardized_coefficients() {
        // y = x1 + 2 x2 on a 20 x 20 grid of distinct values: SRC = β σ_x / σ_y.
        let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..20 {
            for j in 0..20 {
                let (a, b) = (i as f64, ((j * 7) % 20) as f64);
                x1.push(a);
                x2.push(b);
                y.push(a + 2.0 * b);
            }
        }
        let (coef, r2) = standardized_regression(&[x1, x2], &y);
        // Independent columns of equal variance: SRC_i = β_i / sqrt(1 + 4).
        assert!((coef[0] - 1.0 / 5f64.sqrt()).abs() < 1e-9, "{coef:?}");
        assert!((coef[1] - 2.0 / 5f64.sqrt()).abs() < 1e-9);
        assert!((r2 - 1.0).abs() < 1e-9);
    }
}
