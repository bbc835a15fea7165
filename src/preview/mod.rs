//! `shipgate-version preview`: what merging a change request would release, kept up to date in
//! one comment on it.
mod comment;
mod compute;
mod error;
mod sync;

pub use comment::{IGNORED_FIX, MARKER, render};
pub use compute::{Preview, PreviewRequest, compute};
pub use error::PreviewError;
pub use sync::{Action, Synced, comment_url, is_preview, sync};
