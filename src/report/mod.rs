//! The report of a run: `network.geojson` for GIS tools and `index.html` pages that
//! show the key numbers and every chart. Pure functions from the scenario and results to
//! text; writing files is `output`'s job.

pub mod geojson;
pub mod html;
pub mod queues;
pub mod sensitivity;
