//! The one rule for where an environment rolls back to, shared by `/rollback` and by
//! `shipgate-verify --on-fail-rollback`.
use crate::forge::{Deployment, DeploymentState};

/// The newest successful deployment of a release tag (`tag_prefix` + version): the release the
/// environment runs. `deployments` are one environment's, newest first, as
/// [`Forge::deployments`](crate::forge::Forge::deployments) gives them.
pub fn running_release<'a>(
    deployments: &'a [Deployment],
    tag_prefix: &str,
) -> Option<&'a Deployment> {
    successful_releases(deployments, tag_prefix).next()
}

/// The deployment to redeploy: the newest successful deployment of a release tag other than
/// `current` — and, when `wanted` names a tag, of that tag only. `deployments` are one
/// environment's, newest first.
pub fn rollback_target<'a>(
    deployments: &'a [Deployment],
    current: &str,
    wanted: Option<&str>,
    tag_prefix: &str,
) -> Option<&'a Deployment> {
    successful_releases(deployments, tag_prefix)
        .filter(|d| d.git_ref != current)
        .find(|d| wanted.is_none_or(|tag| d.git_ref == tag))
}

fn successful_releases<'a>(
    deployments: &'a [Deployment],
    tag_prefix: &str,
) -> impl Iterator<Item = &'a Deployment> {
    deployments.iter().filter(move |d| {
        d.state == Some(DeploymentState::Success)
            && crate::release::version_of_tag(&d.git_ref, tag_prefix).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeploymentState::{Failure, InProgress, Success};

    fn deployment(id: u64, git_ref: &str, state: Option<DeploymentState>) -> Deployment {
        Deployment {
            id,
            environment: "production".into(),
            git_ref: git_ref.into(),
            sha: "abc".into(),
            state,
            creator: "bot".into(),
            created_at: format!("2026-03-0{id}T10:00:00Z").parse().unwrap(),
            ci_run: None,
            ci_job: None,
            state_url: None,
            state_at: None,
            state_by: None,
        }
    }

    fn target<'a>(
        history: &'a [Deployment],
        current: &str,
        wanted: Option<&str>,
    ) -> Option<&'a str> {
        rollback_target(history, current, wanted, "v").map(|d| d.git_ref.as_str())
    }

    #[test]
    fn the_newest_earlier_successful_release_is_the_target() {
        let newest_first = [
            deployment(6, "main", Some(Success)),
            deployment(5, "v1.4.0", Some(Success)),
            deployment(4, "v1.4.0", Some(Failure)),
            deployment(3, "v1.3.1", Some(Failure)),
            deployment(2, "v1.3.0", Some(Success)),
            deployment(1, "v1.2.0", Some(Success)),
        ];
        assert_eq!(
            running_release(&newest_first, "v").map(|d| d.id),
            Some(5),
            "a branch deployment is not a release"
        );
        assert_eq!(target(&newest_first, "v1.4.0", None), Some("v1.3.0"));
        assert_eq!(
            target(&newest_first, "v1.4.0", Some("v1.2.0")),
            Some("v1.2.0")
        );
        assert_eq!(target(&newest_first, "v1.4.0", Some("v1.3.1")), None);
        assert_eq!(target(&newest_first, "v1.4.0", Some("v1.4.0")), None);
        // A release that failed before it ran anywhere rolls back to what runs.
        assert_eq!(target(&newest_first, "v1.5.0", None), Some("v1.4.0"));
        let none = [
            deployment(2, "v1.4.0", Some(Success)),
            deployment(1, "v1.3.0", Some(InProgress)),
        ];
        assert_eq!(target(&none, "v1.4.0", None), None);
        assert_eq!(target(&[], "v1.4.0", None), None);
    }

    #[test]
    fn the_tag_prefix_decides_what_a_release_is() {
        let bare = [
            deployment(2, "1.4.0", Some(Success)),
            deployment(1, "1.3.0", Some(Success)),
        ];
        assert_eq!(
            rollback_target(&bare, "1.4.0", None, "").map(|d| d.id),
            Some(1)
        );
        assert_eq!(rollback_target(&bare, "1.4.0", None, "v"), None);
    }
}
