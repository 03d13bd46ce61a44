//! Plain-language messages for TOML syntax errors and for values of the wrong type:
//! what was found, what was expected, and the likely fix (a unit written after a number,
//! text without quotes, `[nodes]` where `[[nodes]]` was meant, ...).

use std::sync::OnceLock;

use super::raw::{ReadError, read_raw};
use super::suggest::did_you_mean;

/// The sections that are one table (`[scenario]`), not a list of tables (`[[nodes]]`).
const SINGLE_TABLES: [&str; 5] = [
    "scenario",
    "route_choice",
    "congestion",
    "transfer_defaults",
    "sensitivity",
];
/// Tables nested in `[congestion]`.
const CONGESTION_TABLES: [&str; 4] = ["rail", "road", "ferry", "sea"];

/// Explains a serde error (unknown key, wrong type, value out of range) at `key`.
pub fn data(message: &str, key: &str) -> String {
    let ticked: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field") && !ticked.is_empty() {
        let found = ticked[0];
        let expected = &ticked[1..];
        let hint = did_you_mean(found, expected);
        let allowed = if expected.is_empty() {
            "no keys are allowed here".to_string()
        } else {
            format!(
                "the keys allowed here are {}",
                expected
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if !key.contains('.') && !key.contains('[') {
            let sections = expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return format!("unknown section `{found}`{hint}; the sections are {sections}");
        }
        let elsewhere = other_sections(found, expected);
        return format!("unknown key `{found}`{hint}{elsewhere}; {allowed}");
    }
    if let Some(table) = single_table_as_list(key) {
        return format!(
            "`[{table}]` is a single table: write its header with single brackets, \
             `[{table}]`, not `[[{table}]]`"
        );
    }
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    let Some(rest) = rest else {
        return message.to_string();
    };
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    if found == "map" && expected == "a sequence" && !key.contains('.') && !key.contains('[') {
        return format!(
            "`{key}` is a list: write each item under its own `[[{key}]]` header \
             (double brackets), not `[{key}]`"
        );
    }
    let hint = hint(found, expected, key);
    format!(
        "wrong type: found {}, expected {}{hint}",
        human_found(found),
        human_expected(expected)
    )
}

/// The keys each section accepts, read from the serde mirror itself (so they never
/// drift from `raw.rs`): a file whose only line under the section's header is an
/// unknown key makes serde list the section's keys. Read by `raw::read_raw`, as every
/// file is (no deserializer code of its own).
fn section_keys() -> &'static [(&'static str, Vec<String>)] {
    static KEYS: OnceLock<Vec<(&'static str, Vec<String>)>> = OnceLock::new();
    fn keys(header: &str) -> Vec<String> {
        match read_raw(&format!("{header}\n__no_such_key__ = 0\n")) {
            Err(ReadError::Data { error, .. }) => error
                .message()
                .split('`')
                .skip(1)
                .step_by(2)
                .skip(1)
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        }
    }
    KEYS.get_or_init(|| {
        [
            "[scenario]",
            "[route_choice]",
            "[congestion]",
            "[transfer_defaults]",
            "[[corridors]]",
            "[[nodes]]",
            "[[links]]",
            "[[demand]]",
            "[[routes]]",
            "[[events]]",
            "[[disruptions]]",
            "[[measures]]",
            "[calibration]",
            "[sensitivity]",
            "[[sweep]]",
            "[[queues]]",
        ]
        .into_iter()
        .map(|header| (header, keys(header)))
        .collect()
    })
}

/// `; `x` is a key of [[links]]: ...` when an unknown key belongs to another section,
/// the sign of a missing section header.
fn other_sections(found: &str, here: &[&str]) -> String {
    let owners: Vec<&str> = section_keys()
        .iter()
        .filter(|(_, keys)| keys.iter().any(|k| k == found))
        .filter(|(_, keys)| here.iter().any(|h| !keys.iter().any(|k| k == h)))
        .map(|(name, _)| *name)
        .collect();
    match owners.as_slice() {
        [] => String::new(),
        [one] => {
            format!(" (`{found}` is a key of {one}: is the {one} header missing above this line?)")
        }
        many => format!(
            " (`{found}` is a key of {}: is a section header missing above this line?)",
            many.join(" or ")
        ),
    }
}

/// `Some("scenario")` when `key` indexes into a single table, as `[[scenario]]` does.
fn single_table_as_list(key: &str) -> Option<String> {
    for t in SINGLE_TABLES {
        if key.starts_with(&format!("{t}[")) {
            return Some(t.to_string());
        }
    }
    for t in CONGESTION_TABLES {
        if key.starts_with(&format!("congestion.{t}[")) {
            return Some(format!("congestion.{t}"));
        }
    }
    None
}

fn human_found(found: &str) -> String {
    let inner = found.split('`').nth(1);
    match (found.split(' ').next().unwrap_or(""), inner) {
        ("integer", Some(v)) | ("floating", Some(v)) => v.to_string(),
        ("boolean", Some(v)) => v.to_string(),
        _ => match found {
            "map" => "a table".into(),
            "sequence" => "a list".into(),
            other => other.into(),
        },
    }
}

fn human_expected(expected: &str) -> String {
    match expected {
        "u32" => "a whole number from 0 to 4294967295".into(),
        "u64" => "a whole number, 0 or more".into(),
        "i32" => "a whole number such as a year (2025)".into(),
        "f64" => "a number".into(),
        "a boolean" => "true or false (without quotes)".into(),
        "a string" => "text in quotes".into(),
        "a sequence" => "a list in square brackets, such as [\"a\", \"b\"]".into(),
        e if e.starts_with("struct ") => "a table".into(),
        "" => "another kind of value".into(),
        e => e.into(),
    }
}

/// The last part of a key path: `capacity_tpy` for `links[3].capacity_tpy`.
fn leaf_key(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

fn hint(found: &str, expected: &str, key: &str) -> String {
    let name = leaf_key(key);
    let numeric =
        expected.starts_with("a number") || matches!(expected, "u32" | "u64" | "i32" | "f64");
    if let Some(s) = found
        .strip_prefix("string \"")
        .and_then(|s| s.strip_suffix('"'))
    {
        let s = s.trim();
        if numeric && s.parse::<f64>().is_ok() {
            return format!("; remove the quotes: `{name} = {s}`");
        }
        if numeric && let Some(h) = unit_hint(name, s) {
            return format!("; {h}");
        }
        if expected == "a boolean" && (s == "true" || s == "false") {
            return format!("; remove the quotes: `{name} = {s}`");
        }
    }
    if matches!(expected, "u32" | "u64" | "i32") && found.starts_with("floating") {
        return "; use a whole number".into();
    }
    if matches!(expected, "u32" | "u64") && found.starts_with("integer `-") {
        return "; it cannot be negative".into();
    }
    if expected == "a string" && (found.starts_with("integer") || found.starts_with("floating")) {
        let v = found.split('`').nth(1).unwrap_or("");
        return format!("; ids and names are text: `{name} = \"{v}\"`");
    }
    String::new()
}

/// A hint for a number written with a unit or a percent sign (`100 km`, `5%`).
fn unit_hint(key: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if let Some(n) = value.strip_suffix('%')
        && let Ok(v) = n.trim().parse::<f64>()
    {
        return Some(format!(
            "write a percentage as a fraction without `%`: `{key} = {}`",
            v / 100.0
        ));
    }
    let digits: String = value
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '+' | 'e' | 'E'))
        .collect();
    let unit = value[digits.len()..].trim();
    if !digits.is_empty()
        && digits.replace('_', "").parse::<f64>().is_ok()
        && !unit.is_empty()
        && unit
            .chars()
            .all(|c| c.is_alphabetic() || c == '/' || c == ' ')
    {
        return Some(format!(
            "numbers are written without a unit, the unit is part of the key's name \
             (`_km` kilometres, `_h` hours, `_kmh` km/h, `_tpy` tonnes a year, `_usd_per_t` US$ \
             per tonne): write `{key} = {}`",
            digits.replace('_', "")
        ));
    }
    if value.contains(',') && value.replace(',', "").parse::<f64>().is_ok() {
        return Some(format!(
            "write numbers without thousands separators: `{key} = {}` (or `1e6` style)",
            value.replace(',', "_")
        ));
    }
    None
}

/// Explains a TOML syntax error at byte `offset` of `text`.
pub fn syntax(message: &str, text: &str, offset: Option<usize>) -> String {
    let Some(offset) = offset else {
        return message.to_string();
    };
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[start..end].trim();
    let with = |hint: String| format!("{message}; {hint}");
    if line.starts_with('[') && message.contains("duplicate") {
        let name = line
            .trim_start_matches('[')
            .split(']')
            .next()
            .unwrap_or("")
            .trim();
        if line.starts_with("[[") {
            return with(format!(
                "`{name}` is already a single table `[{name}]` above; write it one way"
            ));
        }
        return with(format!(
            "the table `[{name}]` is written twice; a table appears once (for a list of \
             items, write each one under its own `[[{name}]]` header, with double brackets)"
        ));
    }
    if (line.starts_with("[[") && !line.contains("]]"))
        || (line.starts_with('[') && !line.contains(']'))
    {
        return with(
            "a table header needs its closing bracket, as in `[scenario]` or `[[links]]`".into(),
        );
    }
    let Some((key, value)) = line.split_once('=') else {
        if !line.is_empty() && !line.starts_with('#') && !line.starts_with('[') {
            return with(
                "each line is `key = value`, a `[table]` or `[[list]]` header, or a `#` comment"
                    .into(),
            );
        }
        return message.to_string();
    };
    let key = key.trim();
    let value = strip_comment(value).trim();
    let name = leaf_key(key);
    if message.contains("duplicate key") {
        return with(format!(
            "`{key}` is set twice in the same table; keep one of the two lines"
        ));
    }
    if value.is_empty() {
        return with(format!("`{key} =` needs a value after the `=`"));
    }
    if value.starts_with('=') {
        return with(format!("write `{key} = value` with a single `=`"));
    }
    if let Some(h) = unit_hint(name, value) {
        return with(h);
    }
    let first = value.chars().next().unwrap_or(' ');
    if first.is_alphabetic() && !matches!(value, "true" | "false" | "inf" | "nan") {
        if matches!(value, "True" | "False" | "TRUE" | "FALSE" | "yes" | "no") {
            return with(format!(
                "booleans are written in lower case without quotes: `{key} = {}`",
                if value.to_lowercase().starts_with('t') || value.to_lowercase() == "yes" {
                    "true"
                } else {
                    "false"
                }
            ));
        }
        return with(format!(
            "text values need double quotes: `{key} = \"{value}\"`"
        ));
    }
    if (first == '"' || first == '\'') && !value[1..].contains(first) {
        return with(format!(
            "the text starting with {first} is not closed on the same line; add the closing {first}"
        ));
    }
    message.to_string()
}

/// A value without its trailing `# comment` (ignoring `#` inside quotes).
fn strip_comment(value: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in value.char_indices() {
        match (quote, c) {
            (None, '#') => return &value[..i],
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every section's keys as serde lists them (read through `read_raw`, the
    /// loader's own reader) are the properties the JSON Schema derives for it.
    #[test]
    fn section_keys_are_the_schemas_properties() {
        let schema = super::super::schema::scenario_schema();
        let keys = section_keys();
        assert_eq!(keys.len(), 16);
        for (header, listed) in keys {
            let name = header.trim_matches(|c| c == '[' || c == ']');
            let property = &schema["properties"][name];
            let target = property["items"]["$ref"]
                .as_str()
                .or(property["$ref"].as_str())
                .or(property["allOf"][0]["$ref"].as_str())
                .or(property["anyOf"][0]["$ref"].as_str())
                .unwrap_or_else(|| panic!("{header}: no definition in {property}"));
            let def = target.trim_start_matches("#/definitions/");
            let mut expected: Vec<&str> = schema["definitions"][def]["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{header}: {def} has no properties"))
                .keys()
                .map(String::as_str)
                .collect();
            let mut got: Vec<&str> = listed.iter().map(String::as_str).collect();
            expected.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, expected, "{header}");
        }
    }

    #[test]
    fn units_and_quotes_get_hints() {
        let m = syntax("x", "length_km = 100 km\n", Some(12));
        assert!(m.contains("write `length_km = 100`"), "{m}");
        let m = syntax("x", "mode = rail # comment\n", Some(7));
        assert!(m.contains("`mode = \"rail\"`"), "{m}");
        let m = syntax("x", "growth_per_year = 5%\n", Some(18));
        assert!(m.contains("`growth_per_year = 0.05`"), "{m}");
        let m = data(
            "invalid type: string \"1000\", expected a number, or a distribution table",
            "links[0].capacity_tpy",
        );
        assert!(
            m.contains("remove the quotes: `capacity_tpy = 1000`"),
            "{m}"
        );
        let m = data(
            "invalid value: integer `-1`, expected u32",
            "route_choice.k_routes",
        );
        assert!(m.contains("found -1, expected a whole number"), "{m}");
        let m = data("invalid type: map, expected a sequence", "nodes");
        assert!(m.contains("`[[nodes]]`"), "{m}");
        let m = data("invalid type: map, expected a string", "scenario[0]");
        assert!(m.contains("single brackets"), "{m}");
        let m = data(
            "unknown field `capacity_tpy`, expected one of `id`, `name`, `lat`, `lon`",
            "nodes[1].capacity_tpy",
        );
        assert!(m.contains("a key of [[links]] or [[events]]"), "{m}");
    }
}
