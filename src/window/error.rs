//! Why a deployment calendar could not be built.
use std::io;
use std::path::PathBuf;

use crate::exit::{Exit, ExitClass};
use crate::forge::ForgeError;

/// A problem with the `windows:` configuration, its holidays file or a GitLab freeze period.
#[derive(Debug, thiserror::Error)]
pub enum WindowError {
    /// `windows.timezone` names no zone in the time zone database.
    #[error(
        "unknown time zone `{name}` in windows.timezone; use an IANA name such as UTC, \
         Europe/Madrid or America/New_York"
    )]
    UnknownTimeZone {
        /// The name as written.
        name: String,
    },
    /// The holidays file could not be read.
    #[error("{}: cannot read the holidays file (windows.holidays_file): {cause}", path.display())]
    ReadHolidays {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        cause: io::Error,
    },
    /// The holidays file is not an iCalendar file shipgate understands.
    #[error("{}:{line}: {message}", path.display())]
    Ical {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem (the first line of a folded line).
        line: usize,
        /// What is wrong and what to write instead.
        message: String,
    },
    /// A GitLab freeze period's cron expression does not parse.
    #[error(
        "GitLab deploy freeze period: invalid cron expression `{expression}` ({field}): \
         {reason}; fix it in Settings > CI/CD > Deploy freezes"
    )]
    Cron {
        /// The expression as GitLab returned it.
        expression: String,
        /// `freeze_start` or `freeze_end`.
        field: &'static str,
        /// What the parser said.
        reason: String,
    },
    /// A GitLab freeze period names an unknown time zone.
    #[error(
        "GitLab deploy freeze period `{start}` to `{end}`: unknown cron time zone \
         `{zone}`; fix it in Settings > CI/CD > Deploy freezes"
    )]
    CronTimeZone {
        /// The start expression.
        start: String,
        /// The end expression.
        end: String,
        /// The zone as GitLab returned it.
        zone: String,
    },
    /// The project's deploy freeze periods could not be read from GitLab.
    #[error("reading the GitLab deploy freeze periods")]
    FreezePeriods(#[source] ForgeError),
}

impl ExitClass for WindowError {
    /// The forge's failure keeps its class; the rest is the configuration's (or the GitLab
    /// settings') to fix.
    fn exit_class(&self) -> Exit {
        match self {
            WindowError::FreezePeriods(error) => error.exit_class(),
            _ => Exit::Usage,
        }
    }
}
