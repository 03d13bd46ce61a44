//! A bounded, reproducible mutation fuzzer over the scenario loader and validator, for
//! stable Rust and CI (the coverage-guided one is `fuzz/`, run with cargo-fuzz on
//! nightly). It mutates the corpus files (the fixtures, the malformed and the suspicious
//! scenarios) with byte flips, deletions, duplicated and dropped lines, swapped values,
//! extreme numbers and scenario keywords, loads every result, and fails on any panic.
//!
//! `CORRIDOR_FUZZ_ITERATIONS` (default 5000) and `CORRIDOR_FUZZ_SEED` (default 1) set
//! the run; for a long one:
//!   CORRIDOR_FUZZ_ITERATIONS=200000 cargo test --release --test fuzz_loop -- --nocapture
//! Inputs that panic are written to `fuzz-loop-failures/` in the test temp folder of the
//! target directory.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use corridor_sim::scenario::load_source;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

const TOKENS: &[&str] = &[
    "[scenario]",
    "[[nodes]]",
    "[[links]]",
    "[[demand]]",
    "[[routes]]",
    "[[events]]",
    "[[corridors]]",
    "[route_choice]",
    "[congestion.rail]",
    "base = \"x.toml\"",
    "base = \"/dev/zero\"",
    "base = \"/\"",
    "nan",
    "-inf",
    "inf",
    "-1",
    "0",
    "1e308",
    "-1e308",
    "4e-320",
    "2147483647",
    "-2147483648",
    "18446744073709551615",
    "9223372036854775807",
    "{ dist = \"lognormal\", median = 0, p90 = 0 }",
    "{ dist = \"discrete\", values = [], probs = [] }",
    "{ dist = \"normal\", mean = 1, sd = 0, min = nan }",
    "{ dist = \"pert\", min = 1, mode = 1, max = 1 }",
    "{ dist = \"triangular\", min = 1e308, mode = 1e308, max = inf }",
    "{ dist = \"uniform\", min = -1e308, max = 1e308, share = \"s\" }",
    "[]",
    "[\"a\", \"a\"]",
    "\"\"",
    "\"A\"",
    "\"B\"",
    "true",
    "replications = 10000000",
    "first_year = 1800",
    "last_year = 2300",
    "k_routes = 0",
    "two_way = false",
    "enabled = false",
    "open_from = 2500",
    "\u{0}",
    "\u{feff}",
    "é",
    "\"\"\"",
    "'''",
    "#",
    "=",
    ".",
];

fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut out = Vec::new();
    for dir in ["fixtures", "malformed", "suspicious", "malformed/bases"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            if let Ok(bytes) = std::fs::read(&f) {
                out.push((f, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    out
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// One random edit of `text`.
fn mutate(rng: &mut ChaCha8Rng, text: &str, others: &[(PathBuf, String)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let lines: Vec<&str> = text.lines().collect();
    match rng.random_range(0..10u32) {
        // Flip bits of a few bytes.
        0 if !bytes.is_empty() => {
            for _ in 0..rng.random_range(1..4) {
                let i = rng.random_range(0..bytes.len());
                bytes[i] ^= 1 << rng.random_range(0..8);
            }
        }
        // Delete a range of bytes.
        1 if !bytes.is_empty() => {
            let a = rng.random_range(0..bytes.len());
            let b = (a + rng.random_range(1..64)).min(bytes.len());
            bytes.drain(a..b);
        }
        // Duplicate a line, or a block of lines.
        2 if !lines.is_empty() => {
            let a = rng.random_range(0..lines.len());
            let b = (a + rng.random_range(1..12)).min(lines.len());
            let mut v: Vec<&str> = lines.clone();
            let block: Vec<&str> = lines[a..b].to_vec();
            let at = rng.random_range(0..=v.len());
            for (k, l) in block.into_iter().enumerate() {
                v.insert(at + k, l);
            }
            return v.join("\n");
        }
        // Drop a line.
        3 if !lines.is_empty() => {
            let mut v = lines.clone();
            v.remove(rng.random_range(0..v.len()));
            return v.join("\n");
        }
        // Swap the values of two `key = value` lines.
        4 => {
            let kv: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].contains('='))
                .collect();
            if kv.len() >= 2 {
                let (i, j) = (*pick(rng, &kv), *pick(rng, &kv));
                let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
                let (ki, vi) = lines[i].split_once('=').unwrap_or((lines[i], ""));
                let (kj, vj) = lines[j].split_once('=').unwrap_or((lines[j], ""));
                v[i] = format!("{ki}={vj}");
                v[j] = format!("{kj}={vi}");
                return v.join("\n");
            }
        }
        // Replace a value with an extreme or odd one.
        5 => {
            let kv: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].contains('='))
                .collect();
            if !kv.is_empty() {
                let i = *pick(rng, &kv);
                let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
                let key = lines[i].split_once('=').map_or(lines[i], |(k, _)| k);
                v[i] = format!("{key}= {}", pick(rng, TOKENS));
                return v.join("\n");
            }
        }
        // Insert a token anywhere.
        6 => {
            let mut at = rng.random_range(0..=text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return format!("{}{}{}", &text[..at], pick(rng, TOKENS), &text[at..]);
        }
        // Splice in lines of another corpus file.
        7 => {
            let (_, other) = pick(rng, others);
            let ol: Vec<&str> = other.lines().collect();
            if !ol.is_empty() && !lines.is_empty() {
                let a = rng.random_range(0..ol.len());
                let b = (a + rng.random_range(1..20)).min(ol.len());
                let at = rng.random_range(0..=lines.len());
                let mut v = lines.clone();
                for (k, l) in ol[a..b].iter().enumerate() {
                    v.insert(at + k, l);
                }
                return v.join("\n");
            }
        }
        // Truncate.
        8 => {
            let at = rng.random_range(0..=bytes.len());
            bytes.truncate(at);
        }
        // Change an id or reference to another word of the file.
        _ => {
            let words: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '-')
                .filter(|w| !w.is_empty())
                .collect();
            if words.len() >= 2 {
                let (a, b) = (*pick(rng, &words), *pick(rng, &words));
                return text.replacen(a, b, 1);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mutated_scenarios_never_panic_the_loader() {
    let iterations: u64 = std::env::var("CORRIDOR_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let seed: u64 = std::env::var("CORRIDOR_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let corpus = corpus();
    assert!(corpus.len() > 40);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Silence the default hook: panics are caught, counted and saved.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let (mut ok, mut invalid) = (0u64, 0u64);
    let mut panics: Vec<(String, String)> = Vec::new();
    for _ in 0..iterations {
        let (path, text) = pick(&mut rng, &corpus);
        let mut input = text.clone();
        for _ in 0..rng.random_range(1..5) {
            input = mutate(&mut rng, &input, &corpus);
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            load_source(path, &input)
                .map(|_| ())
                .map_err(|e| e.to_string())
        }));
        match result {
            Ok(Ok(())) => ok += 1,
            Ok(Err(_)) => invalid += 1,
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panics.push((input, msg));
            }
        }
    }
    std::panic::set_hook(hook);
    println!(
        "fuzz loop: seed {seed}, {iterations} inputs: {ok} loaded, {invalid} rejected, {} panics",
        panics.len()
    );
    if !panics.is_empty() {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-loop-failures");
        let _ = std::fs::create_dir_all(&dir);
        for (i, (input, _)) in panics.iter().enumerate() {
            let _ = std::fs::write(dir.join(format!("panic-{i}.toml")), input);
        }
        panic!(
            "{} inputs panicked (saved in {}); first: {}",
            panics.len(),
            dir.display(),
            panics[0].1
        );
    }
}
