//! The JSON Schema of the scenario format, for editors (taplo / Even Better TOML
//! complete keys, show their docs and flag unknown keys) and for CI.
//!
//! It is derived with `schemars` from the serde mirror that parses scenario files
//! (`raw.rs`, `num.rs`), so it cannot drift from the parser: doc comments become
//! `description`s, `deny_unknown_fields` becomes `additionalProperties: false`. Draft-07,
//! the draft taplo validates and SchemaStore recommends (research: scale-out.md section
//! 3). The shipped copy is `schema/scenario.schema.json`, named on the first line of every
//! scenario (`#:schema ../schema/scenario.schema.json`); `tests/schema.rs` checks that it
//! equals this output. How a new raw struct joins the schema: see the head of `raw.rs`.

use schemars::generate::SchemaSettings;
use serde_json::Value;

use super::raw::RawFile;

/// Where the schema is shipped, relative to the repository root.
pub const SCHEMA_FILE: &str = "schema/scenario.schema.json";

/// The schema as a JSON value.
pub fn scenario_schema() -> Value {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawFile>();
    let mut v = schema.to_value();
    tidy(&mut v);
    if let Value::Object(root) = &mut v {
        root.insert("title".into(), "corridor-sim scenario".into());
    }
    v
}

/// The schema as the text `corridor schema` prints and `SCHEMA_FILE` holds (pretty
/// JSON, keys sorted, one final newline).
pub fn scenario_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&scenario_schema()).expect("a JSON value serializes");
    s.push('\n');
    s
}

/// Removes what TOML cannot mean or editors would misreport: `null` alternatives (an
/// `Option` is an absent key in TOML, never a null), single-alternative `anyOf`s and the
/// non-standard number `format`s (`uint32`, `double`...) that draft-07 validators do not
/// know.
fn tidy(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let t = types.remove(0);
                    map.insert("type".into(), t);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(alts)) = map.get_mut(key) {
                    alts.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                    // One alternative left: `allOf`, so that validators report its own
                    // errors ("'mdoe' was unexpected") rather than "no alternative
                    // matched"; a `$ref` stays wrapped, keeping its sibling description.
                    if alts.len() == 1
                        && let Some(only) = map.remove(key)
                    {
                        map.insert("allOf".into(), only);
                    }
                }
            }
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("int") || f.starts_with("uint") || f == "double")
            {
                map.remove("format");
            }
            if map.get("default").is_some_and(Value::is_null) {
                map.remove("default");
            }
            for child in map.values_mut() {
                tidy(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}
