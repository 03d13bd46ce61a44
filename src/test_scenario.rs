//! The default scenario as the unit tests load it (`scenarios/tripp-opens.toml`).

use crate::model::Scenario;

/// The shipped default scenario, loaded and validated.
pub fn default_scenario() -> Scenario {
    crate::scenario::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/tripp-opens.toml"
    )))
    .expect("the default scenario loads")
    .scenario
}
