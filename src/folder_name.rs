//! Folder names made from scenario names: safe on every file system, never escaping the
//! output folder. Used by validation (to warn of two scenarios writing one folder) and by
//! the output writer, so it sits below both.

/// A folder name from a scenario name: letters, digits, `-`, `_` and `.` kept, anything
/// else (path separators, `..`, spaces) replaced, so output stays inside `--out`.
pub fn safe_dir_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(100)
        .collect();
    while s.starts_with('.') || s.starts_with('-') {
        s.remove(0);
    }
    // Windows drops trailing dots and reserves device names (`con`, `nul.txt`, ...).
    while s.ends_with('.') {
        s.pop();
    }
    let stem = s.split('.').next().unwrap_or("").to_ascii_lowercase();
    let reserved = matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if reserved {
        s.insert(0, '_');
    }
    if s.is_empty() { "scenario".into() } else { s }
}
