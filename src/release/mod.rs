//! A release: its tag and version (`version.tag_prefix`), and what the repository says of it.
mod facts;
mod tag;

pub use crate::deploy_issue::parse_version;
pub use facts::{ReleaseFacts, release_facts, version_at_head};
pub use tag::{tag_name, version_of_tag};
