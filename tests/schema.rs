//! The scenario JSON Schema (`corridor schema`, shipped as schema/scenario.schema.json)
//! and `corridor validate --format json`: what editors and CI read.
//!
//! The schema is checked with an independent validator (boon, draft-07) against every
//! shipped scenario, seed and fixture, and against files that the parser rejects.

use std::path::{Path, PathBuf};
use std::process::Command;

use corridor_sim::scenario::schema::{SCHEMA_FILE, scenario_schema, scenario_schema_text};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SCHEMA_LINE: &str = "#:schema ../schema/scenario.schema.json";

fn corridor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
}

fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no .toml files in {dir}");
    v
}

/// A TOML text as the JSON value an editor's schema validator sees.
fn as_json(text: &str) -> serde_json::Value {
    let t: toml::Value = toml::from_str(text).unwrap();
    serde_json::to_value(t).unwrap()
}

/// The shipped schema compiled by boon, with a function telling the errors of a text.
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Validator {
        let text = std::fs::read_to_string(Path::new(ROOT).join(SCHEMA_FILE)).unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        let url = "file:///corridor/scenario.schema.json";
        compiler.add_resource(url, schema).unwrap();
        let index = compiler.compile(url, &mut schemas).unwrap();
        Validator { schemas, index }
    }

    fn errors(&self, text: &str) -> Option<String> {
        let v = as_json(text);
        self.schemas
            .validate(&v, self.index)
            .err()
            .map(|e| format!("{e:#}"))
    }
}

#[test]
fn the_shipped_schema_is_what_corridor_schema_prints() {
    let shipped = std::fs::read_to_string(Path::new(ROOT).join(SCHEMA_FILE)).unwrap();
    assert!(
        shipped == scenario_schema_text(),
        "{SCHEMA_FILE} is stale: run `cargo run -- schema > {SCHEMA_FILE}`"
    );
    let o = corridor().arg("schema").output().unwrap();
    assert!(o.status.success());
    assert_eq!(String::from_utf8(o.stdout).unwrap(), shipped);
}

#[test]
fn the_schema_is_draft_07_and_closed_with_documented_keys() {
    let s = scenario_schema();
    assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(s["additionalProperties"], false);
    let defs = s["definitions"].as_object().unwrap();
    for (name, def) in defs {
        let Some(props) = def.get("properties").and_then(|p| p.as_object()) else {
            continue;
        };
        // deny_unknown_fields on every table, so editors flag misspelt keys.
        assert_eq!(def["additionalProperties"], false, "{name}");
        for (key, p) in props {
            let d = p["description"].as_str().unwrap_or("");
            assert!(d.len() > 10, "{name}.{key} has no description");
        }
    }
    // Units and defaults reach the editor.
    let link = &defs["RawLink"]["properties"];
    assert!(
        link["length_km"]["description"]
            .as_str()
            .unwrap()
            .contains("km")
    );
    assert!(
        link["two_way"]["description"]
            .as_str()
            .unwrap()
            .contains("Default: true")
    );
    assert_eq!(
        link["mode"]["enum"],
        serde_json::json!(corridor_sim::model::Mode::NAMES)
    );
    // A number-or-distribution key takes a number or a distribution table.
    assert_eq!(
        link["capacity_tpy"]["allOf"][0]["$ref"],
        "#/definitions/Num"
    );
    assert_eq!(defs["Num"]["type"], serde_json::json!(["number", "object"]));
    assert_eq!(defs["Num"]["additionalProperties"], false);
    assert_eq!(
        defs["Num"]["properties"]["dist"]["enum"],
        serde_json::json!(corridor_sim::scenario::num::DIST_NAMES)
    );
}

#[test]
fn every_shipped_scenario_seed_and_fixture_validates_and_names_the_schema() {
    let v = Validator::new();
    let mut files = toml_files("scenarios");
    files.extend(toml_files("seeds"));
    files.extend(toml_files("tests/fixtures"));
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        if let Some(e) = v.errors(&text) {
            panic!("{} does not validate against the schema:\n{e}", f.display());
        }
    }
    // Shipped scenarios and seeds open in an editor with the schema: the directive is
    // on their first line and points at the shipped file.
    for dir in ["scenarios", "seeds"] {
        for f in toml_files(dir) {
            let text = std::fs::read_to_string(&f).unwrap();
            let first = text.lines().next().unwrap_or("");
            assert_eq!(first, SCHEMA_LINE, "{}", f.display());
            let target = f
                .parent()
                .unwrap()
                .join(first.trim_start_matches("#:schema ").trim());
            assert!(target.is_file(), "{} names a missing schema", f.display());
        }
    }
}

#[test]
fn misspelt_keys_fail_the_schema_as_they_fail_the_parser() {
    let v = Validator::new();
    let base = std::fs::read_to_string(Path::new(ROOT).join("scenarios/tripp-opens.toml")).unwrap();
    assert!(v.errors(&base).is_none());
    // A misspelt key at the top, in a table, in an item, in a distribution table; a
    // value outside an enumeration.
    let cases = [
        ("[scenario]\n", "[scenario]\nreplicatons = 5\n"),
        ("[[links]]\n", "[[links]]\ncapacity_tp = 1e6\n"),
        ("dist = \"discrete\"", "dist = \"discrete\", mdoe = 1"),
        ("dist = \"discrete\"", "dist = \"discrte\""),
        ("[[links]]\n", "[[links]]\nmode = \"rial\"\n"),
        ("[[links]]\n", "[[links]]\nlength_km = \"far\"\n"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in cases {
        assert!(base.contains(from), "{from}");
        let bad = base.replacen(from, to, 1);
        let e = v.errors(&bad);
        assert!(e.is_some(), "the schema accepts `{to}`");
        // The parser (or validation) rejects it too: the schema is no stricter.
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, bad.replace("../seeds/", &format!("{ROOT}/seeds/"))).unwrap();
        assert!(
            corridor_sim::scenario::load(&path).is_err(),
            "the parser accepts `{to}`"
        );
    }
    let e = v.errors(&base.replacen("[scenario]\n", "[scenario]\nreplicatons = 5\n", 1));
    assert!(e.unwrap().contains("replicatons"));
}

#[test]
fn validate_format_json_lists_located_problems_with_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let good = Path::new(ROOT).join("scenarios/tripp-opens.toml");
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(&good)
        .unwrap()
        .replace("../seeds/", &format!("{ROOT}/seeds/"))
        .replacen("[scenario]\n", "[scenario]\nreplicatons = 5\n", 1);
    std::fs::write(&bad, &text).unwrap();
    let o = corridor()
        .args(["validate", "--format", "json"])
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["files"][0]["ok"], true);
    assert_eq!(doc["files"][1]["ok"], false);
    assert_eq!(doc["errors"], 1);
    let p = &doc["problems"][0];
    assert_eq!(p["file"], bad.display().to_string());
    // The misspelt key is on the line after `[scenario]`.
    let line = text
        .lines()
        .position(|l| l.starts_with("replicatons"))
        .unwrap()
        + 1;
    assert_eq!(p["line"], line);
    assert_eq!(p["column"], 1);
    assert_eq!(p["key"], "scenario.replicatons");
    assert_eq!(p["suggestion"], "replications");
    assert_eq!(p["severity"], "error");
    assert!(p["message"].as_str().unwrap().contains("replicatons"));

    // A valid file alone: exit 0, no problems.
    let o = corridor()
        .args(["validate", "--format", "json"])
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["errors"], 0);
    assert_eq!(doc["problems"], serde_json::json!([]));
}
