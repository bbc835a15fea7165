//! `shipgate-schema`: classify a release's migrations and decide the order of schema and code.
pub mod discover;
pub mod folders;
pub mod frameworks;
mod history;
pub mod model;
pub mod report;
pub mod rules;
mod run;

pub use run::{Assessor, MAX_FILE_BYTES, SchemaError, SchemaRequest, run};
pub mod sql;
