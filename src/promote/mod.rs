//! `shipgate-promote`: commands commented on the deployment issue (`/promote production`,
//! `/rollback`, `/hold`, …), decided carefully — only authorised people, only the artifact that
//! passed the environment before, only inside the deployment window, one deployment at a time —
//! and every decision written back to the issue.
mod answer;
mod checks;
mod command;
mod decide;
mod error;
mod event;
mod flows;
mod handle;
mod job_check;
mod ready;
mod reply;
mod rollback;
mod status;
mod trust;

pub use answer::{Answer, Verdict};
pub use checks::{Check, Gate, failed_reasons};
pub use command::{Command, Parsed, parse_command};
pub use decide::{Decision, Policy, Target, required_permission};
pub use error::PromoteError;
pub use event::{CommentEvent, EventIssueFacts, read_event};
pub use flows::{EventResult, on_event, poll};
pub use handle::{Handled, Outcome, PollSummary};
pub use job_check::{JobCheck, JobChecked, JobVerdict, check_job};
pub use rollback::{rollback_target, running_release};
