//! Shards in, one study's results out: check that the files are exactly the N shards
//! of one study (none missing, none twice, none from another study), load the
//! scenarios they were run from, and append the shards' statistics in replication
//! order (`Collector::append`, `ComparePart::append`), routes matched by key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::codec::{self, Reader, Writer};
use super::file::{self, Header, Kind, Manifest, ScenarioRef};
use super::{Shard, ShardError};
use crate::compare::{self, ComparePart, Comparison};
use crate::figures::RouteInfo;
use crate::model::Scenario;
use crate::results::{Collector, Results};
use crate::runner::{self, RunOptions};
use crate::scenario::{self, Loaded};

/// A merged study (one value per merge, so the variants' sizes do not matter).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Merged {
    Run {
        loaded: Loaded,
        results: Box<Results>,
        seed: u64,
        requested: u64,
        /// The warnings of the scenario as the shards printed them.
        warnings: Vec<String>,
        /// The run's sensitivity analysis, from the shards' explained outputs.
        sensitivity: Option<Box<crate::sensitivity::RunSensitivity>>,
    },
    Compare {
        base: Loaded,
        policy: Loaded,
        comparison: Box<Comparison>,
        seed: u64,
    },
}

/// The bytes of the shard file of a run's share: `collector` and `routes` from
/// `runner::collect_range` over `manifest`'s replications, then the outputs its
/// sensitivity analysis explains (`sensitivity::output_values`) for those of its
/// replications that the analysis uses, in replication order.
pub fn encode_run(
    manifest: Manifest,
    collector: &Collector,
    routes: &[RouteInfo],
    explained: &[Vec<f64>],
) -> Vec<u8> {
    let mut w = Writer::default();
    codec::put_collector(&mut w, collector, routes);
    w.len(explained.len());
    for v in explained {
        w.f64s(v);
    }
    file::encode(manifest, &w.bytes)
}

/// The bytes of the shard file of a comparison's share.
pub fn encode_compare(manifest: Manifest, part: &ComparePart) -> Vec<u8> {
    let mut w = Writer::default();
    codec::put_compare(&mut w, part);
    file::encode(manifest, &w.bytes)
}

/// The shard files named by `paths`: files, or folders whose `*.shard` files are taken.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ShardError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|source| ShardError::Read {
                    file: p.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "shard") && f.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(ShardError::NoShards(format!(
                    "folder {} holds no .shard files",
                    p.display()
                )));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        return Err(ShardError::NoShards("no shard files given".into()));
    }
    Ok(out)
}

/// Checks that `headers` are the complete set of one study's shards and returns them
/// in shard order. The study is the one most files belong to; the others are foreign.
pub fn check_set(mut headers: Vec<Header>) -> Result<Vec<Header>, ShardError> {
    let mut votes: Vec<(file::Study, usize)> = Vec::new();
    for h in &headers {
        let study = h.manifest.study();
        match votes.iter_mut().find(|(s, _)| *s == study) {
            Some((_, n)) => *n += 1,
            None => votes.push((study, 1)),
        }
    }
    // The most common study; on a tie the one of the first file given.
    let Some(study) = votes
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map(|(s, _)| s.clone())
    else {
        return Err(ShardError::NoShards("no shard files given".into()));
    };
    for h in &headers {
        if let Some(why) = study.difference(&h.manifest.study()) {
            return Err(ShardError::Foreign {
                file: h.path.clone(),
                why,
            });
        }
    }
    headers.sort_by_key(|h| h.manifest.shard);
    for pair in headers.windows(2) {
        if pair[0].manifest.shard == pair[1].manifest.shard {
            return Err(ShardError::Duplicate {
                file: pair[1].path.clone(),
                other: pair[0].path.clone(),
                shard: pair[1].manifest.shard(),
            });
        }
    }
    let have: Vec<u64> = headers.iter().map(|h| h.manifest.shard).collect();
    let missing: Vec<u64> = (0..study.shards)
        .filter(|k| have.binary_search(k).is_err())
        .collect();
    if !missing.is_empty() {
        let first = &headers[0].manifest;
        let what = match missing.len() {
            1 => format!("shard {}/{} is", missing[0], study.shards),
            n if n <= 10 => format!(
                "shards {} of {} are",
                missing
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                study.shards
            ),
            n => format!("{n} of the {} shards are", study.shards),
        };
        let expected = missing
            .iter()
            .take(10)
            .map(|k| {
                let mut m = first.clone();
                m.shard = *k;
                let cmd = match m.kind {
                    Kind::Run => "corridor run",
                    Kind::Compare => "corridor compare",
                };
                format!(
                    "`{cmd} ... --shard {k}/{}` ({})",
                    study.shards,
                    m.file_name()
                )
            })
            .collect();
        return Err(ShardError::Missing {
            what,
            count: study.shards,
            expected,
        });
    }
    Ok(headers)
}

/// Loads a scenario the shards were run from and checks it is unchanged.
fn load_scenario(shard_file: &Path, r: &ScenarioRef) -> Result<Loaded, ShardError> {
    let path = if r.resolved.is_file() {
        &r.resolved
    } else {
        &r.path
    };
    let err = |why: String| ShardError::Scenario {
        file: shard_file.to_path_buf(),
        scenario: path.clone(),
        why,
    };
    let loaded = scenario::load(path).map_err(|e| {
        err(format!(
            "the shards were run from cannot be loaded any more:\n{e}"
        ))
    })?;
    if file::scenario_sha256(&loaded.scenario) != r.sha256 {
        return Err(err(
            "has changed since the shards were run (its SHA-256 differs); run the shards again, or restore the file"
                .into(),
        ));
    }
    Ok(loaded)
}

/// Maps a part's route ids into the merged collector's, by (flow, route key).
#[derive(Default)]
struct Routes {
    info: Vec<RouteInfo>,
    ids: HashMap<(usize, String), usize>,
}

impl Routes {
    fn remap(&mut self, part: Vec<RouteInfo>) -> Vec<usize> {
        part.into_iter()
            .map(|ri| {
                let next = self.info.len();
                let id = *self.ids.entry((ri.demand, ri.key.clone())).or_insert(next);
                if id == next {
                    self.info.push(ri);
                }
                id
            })
            .collect()
    }
}

/// Options that shape a study's statistics, as recorded in a manifest.
fn options(m: &Manifest) -> RunOptions {
    RunOptions {
        replications: Some(m.replications_requested),
        seed: Some(m.seed),
        threads: None,
        exact_values: Some(m.exact_values as usize),
    }
}

/// Merges the shard files `paths` (files or folders of `.shard` files, any order).
pub fn merge(paths: &[PathBuf]) -> Result<Merged, ShardError> {
    let files = expand(paths)?;
    let headers = files
        .iter()
        .map(|f| file::read_header(f))
        .collect::<Result<Vec<_>, _>>()?;
    let headers = check_set(headers)?;
    let lead = &headers[0];
    let m = &lead.manifest;
    let loaded: Vec<Loaded> = m
        .scenarios
        .iter()
        .map(|r| load_scenario(&lead.path, r))
        .collect::<Result<_, _>>()?;
    let damaged = |h: &Header, e: codec::DecodeError| ShardError::Damaged {
        file: h.path.clone(),
        why: e.0,
    };
    let opts = options(m);
    match m.kind {
        Kind::Run => {
            let s = &loaded[0].scenario;
            if runner::replications(s, &opts) != m.replications {
                return Err(ShardError::Scenario {
                    file: lead.path.clone(),
                    scenario: m.scenarios[0].path.clone(),
                    why: "does not give the replication count the shards ran".into(),
                });
            }
            let budget = m.exact_values as usize;
            let mut routes = Routes::default();
            let mut all = Collector::for_study(s, budget, m.replications);
            let mut explained: Vec<Vec<f64>> = Vec::new();
            for h in &headers {
                let payload = file::read_payload(h)?;
                let mut r = Reader::new(&payload);
                let empty = Collector::for_study(s, budget, m.replications);
                let (part, info) =
                    codec::get_collector(&mut r, empty, s.demand.len(), s.corridors.len())
                        .and_then(|p| {
                            let n = r.len(8)?;
                            for _ in 0..n {
                                explained.push(r.f64s()?);
                            }
                            r.end().map(|_| p)
                        })
                        .map_err(|e| damaged(h, e))?;
                check_count(h, part.replications())?;
                let remap = routes.remap(info);
                all.append(part, &remap);
            }
            let results = all.finish(s, &routes.info);
            let sensitivity =
                crate::sensitivity::analyse(s, &loaded[0].study, &opts, &explained)?.map(Box::new);
            let warnings = m.scenarios[0].warnings.clone();
            let mut loaded = loaded;
            Ok(Merged::Run {
                loaded: loaded.remove(0),
                results: Box::new(results),
                seed: m.seed,
                requested: m.replications_requested,
                warnings,
                sensitivity,
            })
        }
        Kind::Compare => {
            let (base, policy) = (&loaded[0].scenario, &loaded[1].scenario);
            if compare::replications(base, policy, &opts) != m.replications {
                return Err(ShardError::Scenario {
                    file: lead.path.clone(),
                    scenario: m.scenarios[0].path.clone(),
                    why: "and its policy do not give the replication count the shards ran".into(),
                });
            }
            let mut all = compare::compare_range(base, policy, &opts, 0..0, &mut |_, _| {})?;
            let (mut rb, mut rp) = (Routes::default(), Routes::default());
            for h in &headers {
                let payload = file::read_payload(h)?;
                let mut r = Reader::new(&payload);
                let empty = compare::compare_range(base, policy, &opts, 0..0, &mut |_, _| {})?;
                let mut part = codec::get_compare(&mut r, empty, base, policy)
                    .and_then(|p| r.end().map(|_| p))
                    .map_err(|e| damaged(h, e))?;
                check_count(h, part.base.replications())?;
                let remap_b = rb.remap(std::mem::take(&mut part.base_routes));
                let remap_p = rp.remap(std::mem::take(&mut part.policy_routes));
                all.append(part, &remap_b, &remap_p);
            }
            all.base_routes = rb.info;
            all.policy_routes = rp.info;
            let comparison = all.finish(base, policy)?;
            let mut loaded = loaded;
            let policy = loaded.remove(1);
            Ok(Merged::Compare {
                base: loaded.remove(0),
                policy,
                comparison: Box::new(comparison),
                seed: m.seed,
            })
        }
    }
}

/// A shard must hold exactly the replications its manifest names.
fn check_count(h: &Header, reps: u64) -> Result<(), ShardError> {
    let want = h.manifest.end - h.manifest.first;
    if reps == want {
        Ok(())
    } else {
        Err(ShardError::Damaged {
            file: h.path.clone(),
            why: format!("it holds {reps} replications, its manifest says {want}"),
        })
    }
}

/// Runs `shard`'s share of a run of `s` (loaded from `path`) and returns the shard
/// file's bytes.
pub fn run_shard(
    path: &Path,
    loaded: &Loaded,
    opts: &RunOptions,
    shard: Shard,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<(String, Vec<u8>), ShardError> {
    let s: &Scenario = &loaded.scenario;
    let total = runner::replications(s, opts);
    let range = shard.range(total);
    let study = &loaded.study;
    let mut explained: Vec<Vec<f64>> = Vec::new();
    let (collector, routes) =
        runner::collect_range(s, opts, range.clone(), progress, &mut |first, chunk| {
            for (i, years) in chunk.iter().enumerate() {
                if first + i as u64 >= crate::sensitivity::RANK_MAX as u64 {
                    break;
                }
                if let Some(v) = crate::sensitivity::output_values(s, study, years) {
                    explained.push(v);
                }
            }
        })?;
    let manifest = Manifest::new(
        Kind::Run,
        shard,
        range,
        total,
        opts.replications.unwrap_or(s.replications),
        opts.seed.unwrap_or(s.seed),
        opts.exact_values.unwrap_or(crate::stats::EXACT_BUDGET),
        vec![ScenarioRef::new(
            path,
            s,
            loaded.warnings.iter().map(|w| w.to_string()).collect(),
        )],
    );
    Ok((
        manifest.file_name(),
        encode_run(manifest, &collector, &routes, &explained),
    ))
}

/// Runs `shard`'s share of the comparison of `base` with `policy` and returns the
/// shard file's bytes.
pub fn compare_shard(
    base: (&Path, &Loaded),
    policy: (&Path, &Loaded),
    opts: &RunOptions,
    shard: Shard,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<(String, Vec<u8>), ShardError> {
    let (b, p) = (&base.1.scenario, &policy.1.scenario);
    let total = compare::replications(b, p, opts);
    let range = shard.range(total);
    let part = compare::compare_range(b, p, opts, range.clone(), progress)?;
    let refs = [base, policy]
        .iter()
        .map(|(path, l)| {
            ScenarioRef::new(
                path,
                &l.scenario,
                l.warnings.iter().map(|w| w.to_string()).collect(),
            )
        })
        .collect();
    let manifest = Manifest::new(
        Kind::Compare,
        shard,
        range,
        total,
        opts.replications
            .unwrap_or(b.replications.max(p.replications)),
        opts.seed.unwrap_or(b.seed),
        opts.exact_values.unwrap_or(crate::stats::EXACT_BUDGET),
        refs,
    );
    Ok((manifest.file_name(), encode_compare(manifest, &part)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Loaded {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shards.toml");
        scenario::load(&path).unwrap()
    }

    /// Every statistic of every table, by its bits (NaN included).
    fn bits(r: &Results) -> Vec<(String, Vec<u64>)> {
        r.tables()
            .iter()
            .flat_map(|t| {
                t.rows.iter().map(move |row| {
                    let v = row
                        .stats
                        .iter()
                        .flat_map(|s| [s.mean, s.sd, s.p[0], s.p[1], s.p[2], s.p[3], s.p[4]])
                        .map(f64::to_bits)
                        .collect();
                    (format!("{} {}", t.name, row.keys.join(" ")), v)
                })
            })
            .collect()
    }

    #[test]
    fn shards_through_their_files_merge_to_the_bits_of_the_single_run() {
        let l = fixture();
        let s = &l.scenario;
        for budget in [None, Some(1_000), Some(11_000)] {
            let opts = RunOptions {
                replications: Some(30),
                seed: None,
                threads: Some(2),
                exact_values: budget,
            };
            let single = runner::run(s, &opts, &mut |_, _| {}).unwrap();
            // Uneven parts, merged from their encoded bytes in shard order.
            let mut routes = Routes::default();
            let b = budget.unwrap_or(crate::stats::EXACT_BUDGET);
            let mut all = Collector::for_study(s, b, 30);
            for range in [0..7, 7..8, 8..8, 8..30] {
                let (c, info) =
                    runner::collect_range(s, &opts, range, &mut |_, _| {}, &mut |_, _| {}).unwrap();
                let mut w = Writer::default();
                codec::put_collector(&mut w, &c, &info);
                let mut r = Reader::new(&w.bytes);
                let empty = Collector::for_study(s, b, 30);
                let (c, info) =
                    codec::get_collector(&mut r, empty, s.demand.len(), s.corridors.len()).unwrap();
                r.end().unwrap();
                let remap = routes.remap(info);
                all.append(c, &remap);
            }
            let merged = all.finish(s, &routes.info);
            assert_eq!(merged.sketched, single.sketched, "budget {budget:?}");
            assert_eq!(merged.sketched, budget.is_some(), "budget {budget:?}");
            let (a, b) = (bits(&merged), bits(&single));
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x, y, "budget {budget:?}");
            }
        }
    }
}
