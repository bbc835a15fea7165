//! What can go wrong while preparing or sending notifications.
use thiserror::Error;

/// A notification problem. Messages never carry a webhook URL or a password.
#[derive(Debug, Error)]
pub enum NotifyError {
    /// A template could not be read or rendered.
    #[error("template {name}: {message}")]
    Template {
        /// Which template (`es/start.txt`).
        name: String,
        /// What went wrong, with the line when known.
        message: String,
    },
    /// The templates directory or one of its files could not be read.
    #[error("{path}: cannot read the template: {cause}")]
    ReadTemplate {
        /// The file.
        path: String,
        /// Why.
        cause: std::io::Error,
    },
    /// The ticket pattern is not a regular expression.
    #[error("notify.ticket_pattern: {0}")]
    TicketPattern(#[from] regex::Error),
    /// A channel's secret is not in the environment.
    #[error(
        "{variable} is not set: channel {channel} reads its {what} from it; set it as a CI secret variable"
    )]
    MissingSecret {
        /// The channel.
        channel: String,
        /// The variable named in the config.
        variable: String,
        /// `webhook URL` or `SMTP password`.
        what: &'static str,
    },
    /// The channel answered with an error, or could not be reached.
    #[error("{0}")]
    Channel(String),
}
