//! `shipgate-notify`: tell people when a deployment starts, runs late and ends — rendered from
//! templates (English and Spanish built in) and sent to Slack, generic webhooks, e-mail and the
//! deployment issue, each channel retried on its own.
mod command;
mod deliver;
mod deploy_report;
mod deployment;
mod email;
mod error;
mod facts;
mod history;
mod issue_comment;
mod payload;
mod prepare;
mod report;
mod secrets;
mod sent;
mod templates;
mod tickets;
mod watch;
mod webhook;

pub use command::{Finished, run_watched};
pub use deliver::{Delivery, DeliveryStatus, Outcome, SendRequest, send};
pub use deploy_report::{Check, DeployReport, comment_report, render_report, report_marker};
pub use deployment::Deployment;
pub use error::NotifyError;
pub use facts::{Component, Facts, Ticket};
pub use history::release_history;
pub use issue_comment::comment_marker;
pub use payload::{slack_payload, webhook_payload};
pub use prepare::{EventRequest, Prepared, prepare};
pub use report::{ReportRequest, Reported, report};
pub use secrets::Secrets;
pub use sent::{Sent, Watched};
pub use templates::{Message, Templates};
pub use tickets::collect_tickets;
pub use watch::watch;
