//! `shipgate-verify`: gates that must be green before the pipeline goes on — HTTP smoke tests,
//! commands, backup files, Prometheus queries watched for a while, soak periods.
//!
//! The gate model ([`Gate`]) does not depend on the configuration file: [`select`] builds it
//! from `gates:`, and [`run`] evaluates gates in order and returns a [`Report`]. The library
//! never reads the environment: header secrets are looked up through a function the caller
//! gives.
mod command;
mod error;
mod file;
mod http;
mod issue;
mod maintenance;
mod model;
mod prometheus;
mod report;
mod rollback;
mod runner;
mod scrub;
mod select;
mod threshold;
mod wait;

pub use error::VerifyError;
pub use issue::{IssueRequest, IssueUpdate, failure_marker, report_on_issue};
pub use model::{
    Check, CommandCheck, FileCheck, Gate, GateResult, HttpCheck, MaintenanceCheck, Measured,
    PromCheck, Verdict,
};
pub use report::{Report, markdown_summary, text_report};
pub use rollback::rollback_to;
pub use runner::{RunOptions, run};
pub use scrub::{PLACEHOLDER, Scrubber};
pub use select::{Selection, select};
pub use threshold::{Op, Threshold};
