//! `shipgate-version publish`: the GitHub release (the Releases page's object) of a tag, with
//! its notes and files, made once and brought up to date on every run without repeating work.
//! GitHub only: GitLab makes its releases from the `release:` keyword of `.gitlab-ci.yml`.
mod asset;
mod error;
mod report;
mod sync;

pub use asset::{LocalAsset, Mismatch};
pub use error::GithubReleaseError;
pub use sync::{
    AssetAction, NotesAction, PublishRequest, Published, notes_from_tag, on_github, publish,
};
