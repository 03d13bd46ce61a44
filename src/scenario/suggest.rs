//! "Did you mean" suggestions for misspelt keys and names.

/// Levenshtein distance between two short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Names longer than this are not compared (a typo is in a short name, and the
/// distance is quadratic in the length).
const MAX_COMPARED_CHARS: usize = 64;

/// The edit distance of `a` and `b` if it is at most `limit` (rows are reused buffers).
fn bounded_distance(
    a: &[char],
    b: &[char],
    limit: usize,
    prev: &mut Vec<usize>,
    cur: &mut Vec<usize>,
) -> Option<usize> {
    prev.clear();
    prev.extend(0..=b.len());
    cur.clear();
    cur.resize(b.len() + 1, 0);
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    Some(prev[b.len()]).filter(|d| *d <= limit)
}

/// The closest candidate, if it is close enough to be a likely typo.
///
/// A candidate qualifies when it differs by at most a third of its length (at least two
/// edits) without replacing the whole word (`C` is no typo of `A`), or when one of the
/// two is a prefix of the other (`capacity` for `capacity_tpy`). Case is ignored.
pub fn closest<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    let w: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    let wlen = w.len();
    if wlen == 0 || wlen > MAX_COMPARED_CHARS {
        return None;
    }
    let (mut c, mut prev, mut cur) = (Vec::new(), Vec::new(), Vec::new());
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        let cand = cand.as_ref();
        let clen_guess = if cand.is_ascii() {
            cand.len()
        } else {
            cand.chars().count()
        };
        if clen_guess == 0 || clen_guess > MAX_COMPARED_CHARS {
            continue;
        }
        // The distance is at least the difference in length: skip hopeless ones cheaply
        // (unless one could be a prefix of the other).
        let could_prefix = wlen >= 3 && clen_guess >= 3;
        if !could_prefix && wlen.abs_diff(clen_guess) > (clen_guess / 3).max(2) {
            continue;
        }
        c.clear();
        c.extend(cand.chars().flat_map(char::to_lowercase));
        let clen = c.len();
        let limit = (clen / 3).max(2);
        let prefix = could_prefix && (c.starts_with(&w) || w.starts_with(&c));
        let d = if c == w {
            Some(0)
        } else if prefix {
            Some(1)
        } else if wlen.abs_diff(clen) > limit {
            None
        } else {
            bounded_distance(&w, &c, limit, &mut prev, &mut cur)
        };
        let Some(d) = d else { continue };
        let ok = d < wlen.max(clen) && (d < wlen || prefix);
        if ok && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// ` (did you mean `x`?)`, or nothing.
pub fn did_you_mean<S: AsRef<str>>(word: &str, candidates: &[S]) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// A short list of known names for a message: `` `a`, `b`, `c` `` and, past `max`,
/// how many more there are.
pub fn list_known<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let mut out: Vec<String> = names
        .iter()
        .take(max)
        .map(|n| format!("`{}`", n.as_ref()))
        .collect();
    if names.len() > max {
        out.push(format!("and {} more", names.len() - max));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_key() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let keys = ["capacity_tpy", "length_km", "speed_kmh"];
        assert_eq!(closest("capacity", &keys), Some("capacity_tpy"));
        assert_eq!(closest("lenght_km", &keys), Some("length_km"));
        assert_eq!(closest("colour", &keys), None);
    }

    #[test]
    fn short_names_are_not_replaced_wholesale() {
        // `C` is not a typo of `A`: every one-letter id is one edit from every other.
        assert_eq!(closest("C", &["A", "B"]), None);
        assert_eq!(closest("mod", &["mode", "mean"]), Some("mode"));
        assert_eq!(closest("lnks", &["links", "nodes"]), Some("links"));
        assert_eq!(closest("Tbilisi", &["tbilisi", "Batumi"]), Some("tbilisi"));
        assert_eq!(closest("poti", &["Poti", "Baku"]), Some("Poti"));
    }

    #[test]
    fn bounded_distance_agrees_with_the_full_one() {
        let words = [
            "",
            "a",
            "ab",
            "kitten",
            "sitting",
            "capacity_tpy",
            "capacty_tpy",
            "tbilisi",
        ];
        let (mut p, mut c) = (Vec::new(), Vec::new());
        for a in words {
            for b in words {
                let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let full = edit_distance(a, b);
                for limit in 0..8 {
                    let got = bounded_distance(&ac, &bc, limit, &mut p, &mut c);
                    assert_eq!(got, (full <= limit).then_some(full), "{a} {b} {limit}");
                }
            }
        }
    }

    #[test]
    fn lists_a_few_names() {
        assert_eq!(list_known(&["a", "b"], 5), "`a`, `b`");
        assert_eq!(list_known(&["a", "b", "c"], 2), "`a`, `b`, and 1 more");
    }
}
