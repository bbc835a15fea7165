//! `shipgate-version`: the next semantic version from Conventional Commits, manifests bumped, tagged, pushed.
pub mod bump;
pub mod conventional;
mod error;
mod include;
pub mod manifest;
pub mod notes;
mod outcome;
mod publish;
mod release;
pub mod tags;

pub use bump::{Bump, BumpRequest};
pub use error::VersionError;
pub use outcome::Outcome;
pub use release::{
    PushTarget, VersionRequest, decide, notes_in_tag_message, release_commits, run, tag_notes,
};
