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

/// The closest candidate, if it is close enough to be a likely typo.
///
/// A candidate qualifies when it differs by at most a third of its length (at least two
/// edits) without replacing the whole word (`C` is no typo of `A`), or when one of the
/// two is a prefix of the other (`capacity` for `capacity_tpy`). Case is ignored.
pub fn closest<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let wlen = lower.chars().count();
    if wlen == 0 || wlen > MAX_COMPARED_CHARS {
        return None;
    }
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let c = c.as_ref();
        let cl = c.to_lowercase();
        let clen = cl.chars().count();
        if clen == 0 || clen > MAX_COMPARED_CHARS {
            continue;
        }
        let limit = (clen / 3).max(2);
        let prefix = wlen >= 3 && clen >= 3 && (cl.starts_with(&lower) || lower.starts_with(&cl));
        // The distance is at least the difference in length: skip hopeless ones cheaply.
        if !prefix && wlen.abs_diff(clen) > limit {
            continue;
        }
        let d = if cl == lower {
            0
        } else if prefix {
            1
        } else {
            edit_distance(&lower, &cl)
        };
        let ok = d <= limit && d < wlen.max(clen) && (d < wlen || prefix);
        if ok && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
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
    fn lists_a_few_names() {
        assert_eq!(list_known(&["a", "b"], 5), "`a`, `b`");
        assert_eq!(list_known(&["a", "b", "c"], 2), "`a`, `b`, and 1 more");
    }
}
