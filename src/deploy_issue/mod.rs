//! The deployment issue "Deploy vX.Y.Z": its body rendered from the release, and read back so
//! that re-rendering keeps what people changed.
//!
//! Pure functions, no I/O. A hidden marker `<!-- shipgate:release vX.Y.Z -->` finds the issue
//! again; environment rows and history are also kept in a hidden state block at the end, so
//! that reading them never depends on the visible table. The forge's deployment records stay
//! the source of truth for what is deployed: the state block only keeps the rendering stable.
mod components;
mod error;
mod marker;
mod merge;
mod model;
mod parse;
mod render;
mod schema_summary;
mod sections;
mod splice;
mod state;
mod tick;
mod time;

#[cfg(test)]
mod sample;
#[cfg(test)]
mod tests;

pub use error::DeployIssueError;
pub use marker::{marker, parse_marker, parse_version, title};
pub use merge::{apply_record, merge};
pub use model::{
    ChecklistItem, DEFAULT_CHECKLIST, DEFAULT_ENVIRONMENTS, DeployIssue, EnvRecord, EnvRow,
    HistoryEntry, Image, Release,
};
pub use parse::{ParsedBody, parse};
pub use render::{MAX_BODY_CHARS, render};
pub use schema_summary::SchemaSummary;
pub use splice::{history_in_body, record_in_body};
pub use tick::tick_in_body;
