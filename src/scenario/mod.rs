//! Scenario files: the serde mirror (`raw`), numbers-or-distributions (`num`), the
//! `base` chain (`load`, `merge`), and validation into a `model::Scenario`.

pub mod checks;
pub mod explain;
pub mod limits;
pub mod load;
pub mod measures;
pub mod merge;
pub mod num;
pub mod overrides;
pub mod problem;
pub mod raw;
pub mod schema;
pub mod study;
pub mod suggest;
pub mod validate;

pub use load::{Loaded, ScenarioError, load, load_source};
