//! `shipgate-issue`: the deployment issue that tracks one release from stage to production —
//! opened (or found again), deployments recorded, closed. Works with any [`Forge`](crate::forge::Forge).
mod claim;
mod close;
mod error;
mod find;
mod open;
mod record;

pub use claim::{Claim, claim_comment, ensure_claim, sealed_claim, sealed_release};
pub use close::{CloseReason, CloseRequest, close};
pub use error::IssueError;
pub use find::{MARKER_PREFIX, own_open_issue, own_open_issues};
pub use open::{OpenRequest, Opened, open};
pub use record::{RecordRequest, Recorded, record};
