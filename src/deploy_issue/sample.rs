//! Issues built by hand for the tests.
use semver::Version;

use super::apply_record;
use super::model::{DeployIssue, EnvRecord, Image, Release};
use super::schema_summary::SchemaSummary;
use crate::forge::DeploymentState;
use crate::schema::model::Order;

pub(crate) const NOTES: &str = "## Features\n\n- **api:** export orders as CSV (#412)\n\
- **web:** dark mode (#398)\n\n## Bug fixes\n\n- **worker:** retry webhooks on 429 (#420)\n";

pub(crate) fn release() -> Release {
    Release {
        version: Version::new(1, 4, 0),
        previous: Some(Version::new(1, 3, 2)),
        tag: "v1.4.0".into(),
        commit: "9fceb02d0ae598e95dc970b74767f19372d61af8".into(),
        images: vec![
            Image {
                name: "api".into(),
                reference: "ghcr.io/acme/api@sha256:4f2a9c".into(),
            },
            Image {
                name: "worker".into(),
                reference: "ghcr.io/acme/worker@sha256:77b01e".into(),
            },
        ],
        notes: NOTES.into(),
        url: Some("https://github.com/acme/shop/releases/tag/v1.4.0".into()),
    }
}

pub(crate) fn record(env: &str, state: DeploymentState, when: &str, run: u32) -> EnvRecord {
    EnvRecord {
        environment: env.into(),
        state,
        version: "v1.4.0".into(),
        when: when.into(),
        by: "alice".into(),
        link: Some(format!("https://github.com/acme/shop/actions/runs/{run}")),
        deployment: None,
        ci_run: None,
        detail: None,
    }
}

/// Stage deployed and verified, production in progress, two items ticked.
pub(crate) fn full() -> DeployIssue {
    let mut issue = DeployIssue::new(release());
    issue.schema = Some(SchemaSummary {
        order: Order::None,
        pre_deploy: Vec::new(),
        post_deploy: Vec::new(),
    });
    issue.checklist[0].checked = true;
    issue.checklist[1].checked = true;
    apply_record(
        &mut issue,
        &record(
            "stage",
            DeploymentState::Success,
            "2026-03-02T10:00:00Z",
            101,
        ),
    );
    apply_record(
        &mut issue,
        &record(
            "production",
            DeploymentState::InProgress,
            "2026-03-03T09:15:00Z",
            102,
        ),
    );
    issue
}

pub(crate) fn schema_first() -> DeployIssue {
    let mut issue = DeployIssue::new(release());
    issue.schema = Some(SchemaSummary {
        order: Order::SchemaFirst,
        pre_deploy: vec![
            "db/V7__add_email.sql".into(),
            "db/migrate/20240501120000_add_index.rb".into(),
        ],
        post_deploy: vec!["db/post_migrate/20240502080000_drop_legacy_columns.rb".into()],
    });
    issue
}

pub(crate) fn blocked() -> DeployIssue {
    let mut issue = DeployIssue::new(release());
    issue.schema = Some(SchemaSummary {
        order: Order::Blocked,
        pre_deploy: vec!["db/V7__add_email.sql".into()],
        post_deploy: vec!["db/migrate/20240501120000_drop_legacy_columns.rb".into()],
    });
    issue
}

pub(crate) fn empty_notes() -> DeployIssue {
    let mut release = release();
    release.notes = String::new();
    release.previous = None;
    release.url = None;
    release.images.clear();
    DeployIssue::new(release)
}
