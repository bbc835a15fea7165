//! shipgate turns a production-deployment runbook into CI steps.
pub mod ci;
pub mod cli;
pub mod config;
pub mod contention;
pub mod deploy_issue;
pub mod deploy_log;
pub mod exit;
pub mod forge;
pub mod git;
pub mod github_release;
pub mod image;
pub mod init;
pub mod issue;
pub mod notify;
pub mod preview;
pub mod promote;
pub mod release;
pub mod retry;
pub mod rollout;
pub mod schema;
#[cfg(test)]
mod schema_checks;
pub mod seal;
pub mod time;
pub mod verify;
pub mod version;
pub mod window;
