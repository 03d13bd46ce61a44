//! The shard file: a first line `corridor-shard 1`, a second line holding the manifest
//! (JSON: which study, which shard, which replications, and the length and SHA-256 of
//! the payload), then the binary payload (`codec`). The manifest can be read without
//! the payload, so a merge checks every file before it loads any statistics.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Shard, ShardError};
use crate::model::Scenario;

/// First line of every shard file.
pub const MAGIC: &str = "corridor-shard";
/// Version of the layout; a merge accepts only its own.
pub const FORMAT: u32 = 1;
/// The manifest line is refused past this size.
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// The command whose work was split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Run,
    Compare,
}

/// A scenario of the study, as the shard saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRef {
    pub name: String,
    /// The path as given on the command line.
    pub path: PathBuf,
    /// The same, absolute, for a merge run from another folder.
    pub resolved: PathBuf,
    /// SHA-256 of the resolved scenario (as `scenario_sha256` in summary.json).
    pub sha256: String,
    /// The warnings found loading it, as printed (they appear in the results).
    pub warnings: Vec<String>,
}

impl ScenarioRef {
    pub fn new(path: &Path, s: &Scenario, warnings: Vec<String>) -> ScenarioRef {
        ScenarioRef {
            name: s.name.clone(),
            path: path.to_path_buf(),
            resolved: path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
            sha256: scenario_sha256(s),
            warnings,
        }
    }
}

/// SHA-256 of a resolved scenario; the same digest as `scenario_sha256` in summary.json.
pub fn scenario_sha256(s: &Scenario) -> String {
    Sha256::digest(format!("{s:?}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a shard file says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub tool: String,
    pub version: String,
    pub kind: Kind,
    pub shard: u64,
    pub shards: u64,
    /// Replications of this shard: `first..end` of the study's `replications`.
    pub first: u64,
    pub end: u64,
    /// Replications the whole study simulates, and those requested.
    pub replications: u64,
    pub replications_requested: u64,
    pub seed: u64,
    /// Values held exactly before percentiles are sketched.
    pub exact_values: u64,
    /// The scenario (run), or the base and the policy (compare).
    pub scenarios: Vec<ScenarioRef>,
    pub payload_bytes: u64,
    pub payload_sha256: String,
}

/// What the shards of one study share; everything of the manifest but the shard's
/// own place and payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    pub kind: Kind,
    pub shards: u64,
    pub replications: u64,
    pub replications_requested: u64,
    pub seed: u64,
    pub exact_values: u64,
    /// (name, sha256) of each scenario.
    pub scenarios: Vec<(String, String)>,
}

impl Manifest {
    /// The manifest of `shard`'s share (`range`) of a study (payload fields are filled
    /// in by `encode`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: Kind,
        shard: Shard,
        range: Range<u64>,
        replications: u64,
        replications_requested: u64,
        seed: u64,
        exact_values: usize,
        scenarios: Vec<ScenarioRef>,
    ) -> Manifest {
        Manifest {
            format: FORMAT,
            tool: "corridor-sim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            kind,
            shard: shard.index,
            shards: shard.count,
            first: range.start,
            end: range.end,
            replications,
            replications_requested,
            seed,
            exact_values: exact_values as u64,
            scenarios,
            payload_bytes: 0,
            payload_sha256: String::new(),
        }
    }

    pub fn shard(&self) -> Shard {
        Shard {
            index: self.shard,
            count: self.shards,
        }
    }

    pub fn study(&self) -> Study {
        Study {
            kind: self.kind,
            shards: self.shards,
            replications: self.replications,
            replications_requested: self.replications_requested,
            seed: self.seed,
            exact_values: self.exact_values,
            scenarios: self
                .scenarios
                .iter()
                .map(|s| (s.name.clone(), s.sha256.clone()))
                .collect(),
        }
    }

    /// The file name of this shard.
    pub fn file_name(&self) -> String {
        let study = match self.kind {
            Kind::Run => self.scenarios.first().map_or("study".into(), |s| {
                crate::folder_name::safe_dir_name(&s.name)
            }),
            Kind::Compare => crate::folder_name::safe_dir_name(&format!(
                "compare-{}-vs-{}",
                self.scenarios.first().map_or("", |s| s.name.as_str()),
                self.scenarios.get(1).map_or("", |s| s.name.as_str())
            )),
        };
        self.shard().file_name(&study)
    }
}

impl Study {
    /// How `other` differs from this study, in words; `None` if it is the same study.
    pub fn difference(&self, other: &Study) -> Option<String> {
        let names = |s: &Study| {
            s.scenarios
                .iter()
                .map(|(n, _)| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" vs ")
        };
        if self.kind != other.kind {
            let k = |s: &Study| match s.kind {
                Kind::Run => "a run",
                Kind::Compare => "a comparison",
            };
            return Some(format!(
                "is a shard of {}, the others of {}",
                k(other),
                k(self)
            ));
        }
        if names(self) != names(other) {
            return Some(format!(
                "is a shard of scenario {}, the others of {}",
                names(other),
                names(self)
            ));
        }
        if self.scenarios != other.scenarios {
            return Some(format!(
                "was run from a different version of scenario {} (its SHA-256 differs)",
                names(self)
            ));
        }
        let fields = [
            ("seed", self.seed, other.seed),
            ("replications", self.replications, other.replications),
            (
                "requested replications",
                self.replications_requested,
                other.replications_requested,
            ),
            ("number of shards", self.shards, other.shards),
            ("exact-value budget", self.exact_values, other.exact_values),
        ];
        fields.iter().find(|(_, a, b)| a != b).map(|(what, a, b)| {
            format!("belongs to another study: its {what} is {b}, the others' {a}")
        })
    }
}

/// The bytes of a shard file: header lines, then `payload`.
pub fn encode(mut manifest: Manifest, payload: &[u8]) -> Vec<u8> {
    manifest.payload_bytes = payload.len() as u64;
    manifest.payload_sha256 = Sha256::digest(payload)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut out = format!("{MAGIC} {FORMAT}\n").into_bytes();
    out.extend(serde_json::to_vec(&manifest).unwrap_or_default());
    out.push(b'\n');
    out.extend_from_slice(payload);
    out
}

/// Writes a shard file atomically (a temporary file beside it, then renamed).
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), ShardError> {
    let err = |source| ShardError::Write {
        file: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}

/// A shard file whose manifest has been read.
#[derive(Debug, Clone)]
pub struct Header {
    pub path: PathBuf,
    pub manifest: Manifest,
    /// Where the payload starts.
    pub payload_at: u64,
}

/// Reads the manifest of a shard file (not its payload).
pub fn read_header(path: &Path) -> Result<Header, ShardError> {
    let read_err = |source| ShardError::Read {
        file: path.to_path_buf(),
        source,
    };
    let damaged = |why: String| ShardError::Damaged {
        file: path.to_path_buf(),
        why,
    };
    let mut r = BufReader::new(File::open(path).map_err(read_err)?);
    let mut first = Vec::new();
    r.by_ref()
        .take(64)
        .read_until(b'\n', &mut first)
        .map_err(read_err)?;
    let magic = String::from_utf8_lossy(&first);
    let Some(version) = magic.trim_end().strip_prefix(MAGIC) else {
        return Err(ShardError::NotAShard {
            file: path.to_path_buf(),
        });
    };
    if version.trim() != FORMAT.to_string() {
        return Err(ShardError::Foreign {
            file: path.to_path_buf(),
            why: format!(
                "is a shard file of format {}, this corridor {} reads format {FORMAT}; run the shards and the merge with the same version",
                version.trim(),
                env!("CARGO_PKG_VERSION")
            ),
        });
    }
    let mut line = Vec::new();
    r.by_ref()
        .take(MAX_MANIFEST_BYTES)
        .read_until(b'\n', &mut line)
        .map_err(read_err)?;
    if line.last() != Some(&b'\n') {
        return Err(damaged("its manifest line is cut short".into()));
    }
    let manifest: Manifest = serde_json::from_slice(&line[..line.len() - 1])
        .map_err(|e| damaged(format!("its manifest cannot be read: {e}")))?;
    if manifest.tool != "corridor-sim" || manifest.version != env!("CARGO_PKG_VERSION") {
        return Err(ShardError::Foreign {
            file: path.to_path_buf(),
            why: format!(
                "was written by {} {}, this is corridor-sim {}; run the shards and the merge with the same version",
                manifest.tool,
                manifest.version,
                env!("CARGO_PKG_VERSION")
            ),
        });
    }
    let shard = manifest.shard();
    if shard.count == 0 || shard.index >= shard.count || shard.count > super::MAX_SHARDS {
        return Err(damaged(format!("it claims to be shard {shard}")));
    }
    if shard.range(manifest.replications) != (manifest.first..manifest.end) {
        return Err(damaged(format!(
            "shard {shard} of {} replications should hold {:?}, it says {}..{}",
            manifest.replications,
            shard.range(manifest.replications),
            manifest.first,
            manifest.end
        )));
    }
    let expected = match manifest.kind {
        Kind::Run => 1,
        Kind::Compare => 2,
    };
    if manifest.scenarios.len() != expected {
        return Err(damaged(
            "its list of scenarios does not fit its kind".into(),
        ));
    }
    Ok(Header {
        path: path.to_path_buf(),
        manifest,
        payload_at: (first.len() + line.len()) as u64,
    })
}

/// Reads and checks the payload of a shard file.
pub fn read_payload(h: &Header) -> Result<Vec<u8>, ShardError> {
    let read_err = |source| ShardError::Read {
        file: h.path.clone(),
        source,
    };
    let mut f = File::open(&h.path).map_err(read_err)?;
    std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(h.payload_at)).map_err(read_err)?;
    let mut payload = Vec::new();
    f.take(h.manifest.payload_bytes.saturating_add(1))
        .read_to_end(&mut payload)
        .map_err(read_err)?;
    let damaged = |why: String| ShardError::Damaged {
        file: h.path.clone(),
        why,
    };
    if payload.len() as u64 != h.manifest.payload_bytes {
        return Err(damaged(format!(
            "its statistics are {} bytes long, its manifest says {}",
            payload.len(),
            h.manifest.payload_bytes
        )));
    }
    let digest: String = Sha256::digest(&payload)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if digest != h.manifest.payload_sha256 {
        return Err(damaged("its statistics do not match their checksum".into()));
    }
    Ok(payload)
}
