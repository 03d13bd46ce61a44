//! Fuzzes the scenario loader and validator: any bytes in, a `Loaded` or a list of
//! problems out, never a panic, a hang or unbounded memory.
//!
//! Run from the repository root (needs a nightly toolchain):
//!   cargo +nightly fuzz run load fuzz/corpus/load tests/malformed tests/fixtures -- -dict=fuzz/scenario.dict
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The folder does not exist, so relative `base` files are reported missing; absolute
    // ones are read like any base file (devices and folders are refused).
    let path = Path::new("/nonexistent-corridor-fuzz/scenario.toml");
    if let Err(e) = corridor_sim::scenario::load_source(path, text) {
        // Rendering the problems must not panic either.
        let _ = e.to_string();
    }
});
