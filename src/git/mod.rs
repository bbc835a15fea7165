//! git2-backed repository access: history, tags, the release commit and tag, and pushing them.
mod error;
mod push;
mod push_local;
mod remote;
mod repo;
mod side_branch;
mod tree;
mod write;

pub use error::GitError;
pub use push::{PushAuth, RemoteState, redact_credentials};
pub use remote::remote_host;
pub use repo::{CommitInfo, Repo, TagRef, short};
pub use tree::FileChange;
pub use write::{Identity, Person};
