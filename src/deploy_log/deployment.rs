//! The row of one deployment, made from what the CI job knows and what the release's commits
//! say (the version before it, the tickets).
use std::path::Path;

use jiff::Timestamp;
use semver::Version;

use super::error::LogError;
use super::row::Row;
use crate::config::{Config, Span};
use crate::deploy_issue::Image;

/// One deployment, as the job that made it knows it.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// When it is logged.
    pub at: Timestamp,
    /// The project (or customer).
    pub project: String,
    /// The environment deployed to.
    pub environment: String,
    /// The release deployed.
    pub version: Version,
    /// Components given for this deployment (`--image`), besides `notify.components`.
    pub images: Vec<Image>,
    /// Who deployed.
    pub who: String,
    /// How long it took, when known.
    pub duration: Option<Span>,
    /// Whether it succeeded.
    pub succeeded: bool,
    /// Whether it was rolled back.
    pub rolled_back: bool,
    /// The CI run that deployed (empty outside CI).
    pub run: String,
}

impl Row {
    /// The row of `deployment`: its components are `notify.components` with its images merged
    /// in; the version before it and the tickets (`notify.ticket_pattern`, `#123`) come from the
    /// release's commits in `repo`, and stay empty when git cannot tell them (logged).
    pub fn for_release(
        deployment: Deployment,
        repo: &Path,
        config: &Config,
    ) -> Result<Row, LogError> {
        let pattern = &config.notify.ticket_pattern;
        let pattern = regex::Regex::new(pattern).map_err(|e| LogError::TicketPattern {
            pattern: pattern.clone(),
            reason: e.to_string(),
        })?;
        let prefix = &config.version.tag_prefix;
        let (previous, messages) =
            crate::notify::release_history(repo, &deployment.version, prefix).unwrap_or_else(|e| {
                tracing::warn!("no tickets or previous version from git: {e}");
                (None, Vec::new())
            });
        let tickets = crate::notify::collect_tickets(&messages, &pattern, "");
        let components: Vec<String> = Image::merged(&config.notify.components, &deployment.images)
            .iter()
            .map(|c| format!("{}={}", c.name, c.reference))
            .collect();
        let tickets: Vec<&str> = tickets.iter().map(|t| t.key.as_str()).collect();
        Ok(Row {
            date: crate::time::rfc3339(deployment.at),
            project: deployment.project,
            environment: deployment.environment,
            version: deployment.version.to_string(),
            previous_version: previous.map(|v| v.to_string()).unwrap_or_default(),
            components: components.join("; "),
            tickets: tickets.join("; "),
            who: deployment.who,
            duration: deployment
                .duration
                .map(|d| d.to_string())
                .unwrap_or_default(),
            result: if deployment.succeeded {
                "success"
            } else {
                "failure"
            }
            .to_owned(),
            rolled_back: if deployment.rolled_back { "yes" } else { "no" }.to_owned(),
            run: deployment.run,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(images: &[&str]) -> Deployment {
        Deployment {
            at: "2026-11-24T10:42:07.5Z".parse().unwrap(),
            project: "acme".into(),
            environment: "production".into(),
            version: Version::new(1, 2, 0),
            images: images.iter().map(|i| i.parse().unwrap()).collect(),
            who: "ada".into(),
            duration: Some(Span(750_000)),
            succeeded: false,
            rolled_back: true,
            run: "7001".into(),
        }
    }

    #[test]
    fn a_row_merges_the_components_and_leaves_what_git_cannot_tell_empty() {
        let outside = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.notify.components = [("api", "1.1.0"), ("worker", "1.1.0")]
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .into();
        let row = Row::for_release(deployment(&["api=1.2.0"]), outside.path(), &config).unwrap();
        assert_eq!(
            row.fields(),
            [
                "2026-11-24T10:42:07Z",
                "acme",
                "production",
                "1.2.0",
                "",
                "worker=1.1.0; api=1.2.0",
                "",
                "ada",
                "12m30s",
                "failure",
                "yes",
                "7001",
            ]
        );
    }

    #[test]
    fn a_bad_ticket_pattern_is_the_configuration_s_to_fix() {
        let mut config = Config::default();
        config.notify.ticket_pattern = "[A-".into();
        let error = Row::for_release(deployment(&[]), Path::new("."), &config).unwrap_err();
        assert_eq!(
            crate::exit::ExitClass::exit_class(&error),
            crate::exit::Exit::Usage
        );
        assert!(
            error.to_string().starts_with("notify.ticket_pattern `[A-`"),
            "{error}"
        );
    }
}
