//! Everything a message may say about one deployment: the data the templates receive.
use serde::Serialize;

use crate::config::notify::Event;

/// A ticket mentioned by the release's commits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ticket {
    /// The key as written (`SHOP-12`, `#45`).
    pub key: String,
    /// A link to it, when `notify.ticket_url` is set.
    pub url: Option<String>,
}

/// A component deployed and its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Its name (`api`).
    pub name: String,
    /// Its version or image reference.
    pub version: String,
}

/// The template data of one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// What happened.
    pub event: Event,
    /// The project (or customer).
    pub project: String,
    /// The environment deployed to.
    pub environment: String,
    /// The release, without the tag prefix.
    pub version: String,
    /// The release before it, if any.
    pub previous_version: Option<String>,
    /// Tickets collected from the release's commits.
    pub tickets: Vec<Ticket>,
    /// Components and their versions.
    pub components: Vec<Component>,
    /// What must be restarted.
    pub restarts: Vec<String>,
    /// The estimated duration (`15m`).
    pub estimate: Option<String>,
    /// How long it took (end, failure).
    pub duration: Option<String>,
    /// The deploy command's exit code (watch, on failure).
    pub exit_code: Option<i32>,
    /// The deployment issue.
    pub issue_url: Option<String>,
    /// The CI pipeline or job.
    pub pipeline_url: Option<String>,
    /// Who started it.
    pub actor: String,
    /// Where to report problems.
    pub support: String,
}

impl Facts {
    /// The same facts for another event.
    pub fn for_event(&self, event: Event) -> Self {
        Self {
            event,
            ..self.clone()
        }
    }
}

#[cfg(test)]
pub(crate) fn sample() -> Facts {
    Facts {
        event: Event::Start,
        project: "Acme shop".into(),
        environment: "production".into(),
        version: "1.4.0".into(),
        previous_version: Some("1.3.2".into()),
        tickets: vec![
            Ticket {
                key: "SHOP-12".into(),
                url: Some("https://tickets.example/browse/SHOP-12".into()),
            },
            Ticket {
                key: "#45".into(),
                url: None,
            },
        ],
        components: vec![
            Component {
                name: "api".into(),
                version: "1.4.0".into(),
            },
            Component {
                name: "worker".into(),
                version: "ghcr.io/acme/worker:1.4.0".into(),
            },
        ],
        restarts: vec!["api".into(), "worker".into()],
        estimate: Some("15m".into()),
        duration: Some("12m30s".into()),
        exit_code: None,
        issue_url: Some("https://github.com/acme/shop/issues/7".into()),
        pipeline_url: Some("https://github.com/acme/shop/actions/runs/77".into()),
        actor: "ada".into(),
        support: "support@acme.example".into(),
    }
}
