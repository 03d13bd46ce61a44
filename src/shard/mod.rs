//! One study across many machines. `--shard K/N` runs shard K (0-based) of N: a
//! contiguous share of the study's replications (replication i draws the same ChaCha8
//! streams wherever it runs, see `runner`), and writes a shard file with its partial
//! statistics instead of results. `merge` folds the N shard files into the results one
//! machine would have written for the whole study, to the bit, whatever N and whatever
//! order the files come in.
//!
//! Why the merge is exact: a figure's statistics are either computed from all its
//! values (exact percentiles: a shard ships its values, and the merge concatenates them
//! in replication order, so every sum runs in the single run's order), or from a sketch
//! that depends only on the multiset of its values (bucket counts, extremes and exact
//! sums, see `stats` and `exact_sum`), which merges exactly in any grouping. Whether
//! percentiles are sketched depends only on the values the whole study records, which
//! the merge adds up from the shards. Routes are matched by their key, not by the ids
//! each machine gave them in the order it met them.
//!
//! This module is at the runner's level: any command that runs replications (or,
//! later, sweep points) takes a `Shard`, runs `Shard::range` of its work, writes its
//! partial state with `file::write`, and adds a kind to `merge`.

pub mod codec;
pub mod file;
pub mod merge;

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

pub use file::{Kind, Manifest, ScenarioRef};
pub use merge::{Merged, merge};

/// The most shards a study can be split into.
pub const MAX_SHARDS: u64 = 1_000_000;

/// Shard `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The whole study as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// This shard's replications out of `total`: the contiguous range
    /// `floor(index * total / count) .. floor((index + 1) * total / count)`, so the
    /// shards tile `0..total` in order and differ in size by at most one.
    pub fn range(&self, total: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(total) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }

    /// The file name of this shard of the study named `study`: `NAME-K-of-N.shard`,
    /// K zero-padded so that names sort in shard order.
    pub fn file_name(&self, study: &str) -> String {
        let width = (self.count - 1).max(1).to_string().len();
        format!(
            "{study}-{:0width$}-of-{}.shard",
            self.index,
            self.count,
            width = width
        )
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N` with 0 <= K < N.
    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || {
            format!(
                "`{text}` is not a shard: write K/N, shard K (counted from 0) of N, for example 0/8 .. 7/8"
            )
        };
        let (k, n) = text.trim().split_once('/').ok_or_else(usage)?;
        let index: u64 = k.trim().parse().map_err(|_| usage())?;
        let count: u64 = n.trim().parse().map_err(|_| usage())?;
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "`{text}`: the number of shards must be between 1 and {MAX_SHARDS}"
            ));
        }
        if index >= count {
            return Err(format!(
                "`{text}`: shards are counted from 0, so shard {index} of {count} does not exist (the last is {}/{count})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

/// Why shards could not be written or merged. Every error names the file it is about.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write: {source}", file.display())]
    Write {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a corridor shard file (written by `corridor run --shard K/N` or `corridor compare --shard K/N`)", file.display())]
    NotAShard { file: PathBuf },
    #[error("{}: damaged shard file ({why}); run this shard again", file.display())]
    Damaged { file: PathBuf, why: String },
    #[error("{}: {why}", file.display())]
    Foreign { file: PathBuf, why: String },
    #[error("{} and {} are both shard {shard}; keep one of them", file.display(), other.display())]
    Duplicate {
        file: PathBuf,
        other: PathBuf,
        shard: Shard,
    },
    #[error("{what} missing: run {} and merge again with all {count} shard files", expected.join(", "))]
    Missing {
        what: String,
        count: u64,
        expected: Vec<String>,
    },
    #[error("{}: the scenario {} {why}", file.display(), scenario.display())]
    Scenario {
        file: PathBuf,
        scenario: PathBuf,
        why: String,
    },
    #[error("{0}")]
    NoShards(String),
    #[error("{0}")]
    Compare(#[from] crate::compare::CompareError),
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_replications_in_order_with_sizes_within_one() {
        for (total, count) in [(10_000u64, 8u64), (10, 3), (7, 7), (3, 7), (1, 2), (0, 4)] {
            let mut next = 0;
            let mut sizes = Vec::new();
            for index in 0..count {
                let r = Shard { index, count }.range(total);
                assert_eq!(r.start, next, "{total} in {count}: gap or overlap");
                next = r.end;
                sizes.push(r.end - r.start);
            }
            assert_eq!(next, total);
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(hi - lo <= 1, "{total} in {count}: {sizes:?}");
        }
        assert_eq!(Shard { index: 1, count: 3 }.range(10), 3..6);
    }

    #[test]
    fn shard_specs_parse_and_bad_ones_explain_themselves() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard { index: 3, count: 8 }));
        assert_eq!(" 0 / 1 ".parse::<Shard>(), Ok(Shard::WHOLE));
        assert!(
            "8/8"
                .parse::<Shard>()
                .unwrap_err()
                .contains("counted from 0")
        );
        assert!("1/0".parse::<Shard>().unwrap_err().contains("between 1"));
        assert!("3".parse::<Shard>().unwrap_err().contains("K/N"));
        assert!("-1/4".parse::<Shard>().is_err());
        assert_eq!(
            Shard { index: 3, count: 8 }.file_name("s"),
            "s-3-of-8.shard"
        );
        assert_eq!(
            Shard {
                index: 3,
                count: 16
            }
            .file_name("s"),
            "s-03-of-16.shard"
        );
        assert_eq!(Shard::WHOLE.file_name("s"), "s-0-of-1.shard");
    }
}
