//! `shipgate-schema`: classify a release's migrations and decide the order of schema and code.
pub mod frameworks;
pub mod model;
pub mod report;
pub mod rules;
pub mod sql;
