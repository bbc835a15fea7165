//! What can go wrong while preparing or sending notifications.
use thiserror::Error;

use crate::exit::{Exit, ExitClass, external_if};

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
    /// A channel asked for by name is not in the config.
    #[error("--channel {name}: no such channel in notify.channels ({known})")]
    UnknownChannel {
        /// The name asked for.
        name: String,
        /// The channels the config has, comma-separated.
        known: String,
    },
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
    /// Required channels did not get the message.
    #[error("not delivered to the required channels {channels}")]
    Undelivered {
        /// Their names, comma-separated.
        channels: String,
        /// Every one failed for the configuration's sake (a missing secret, no deployment issue).
        config: bool,
    },
}

impl ExitClass for NotifyError {
    fn exit_class(&self) -> Exit {
        match self {
            Self::Channel(_) => Exit::External,
            Self::Undelivered { config, .. } => external_if(!config),
            Self::Template { .. }
            | Self::ReadTemplate { .. }
            | Self::TicketPattern(_)
            | Self::UnknownChannel { .. }
            | Self::MissingSecret { .. } => Exit::Usage,
        }
    }
}
