//! `shipgate-schema`: classify a release's migrations and decide the order of schema and code.
pub mod discover;
pub mod frameworks;
pub mod model;
pub mod report;
pub mod rules;
mod run;

pub use run::{MAX_FILE_BYTES, SchemaError, SchemaRequest, assess_alone, run};
pub mod sql;
