//! Where a failed release rolls back to: the previous successful version of the environment.
use crate::forge::{Deployment, DeploymentState};

/// The release tag to redeploy: the newest successful deployment of the environment whose tag
/// is not `current` (the release that failed its gates). `deployments` are newest first, as
/// [`Forge::deployments`](crate::forge::Forge::deployments) gives them.
pub fn rollback_target(deployments: &[Deployment], current: &str) -> Option<String> {
    deployments
        .iter()
        .find(|d| d.state == Some(DeploymentState::Success) && d.git_ref != current)
        .map(|d| d.git_ref.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(id: u64, git_ref: &str, state: Option<DeploymentState>) -> Deployment {
        Deployment {
            id,
            environment: "production".into(),
            git_ref: git_ref.into(),
            sha: "abc".into(),
            state,
            creator: "bot".into(),
            created_at: format!("2026-03-0{id}T10:00:00Z"),
            ci_run: None,
            ci_job: None,
            state_url: None,
            state_at: None,
            state_by: None,
        }
    }

    #[test]
    fn the_newest_earlier_success_is_the_target() {
        use DeploymentState::{Failure, InProgress, Success};
        let newest_first = [
            deployment(5, "v1.4.0", Some(Success)),
            deployment(4, "v1.4.0", Some(Failure)),
            deployment(3, "v1.3.1", Some(Failure)),
            deployment(2, "v1.3.0", Some(Success)),
            deployment(1, "v1.2.0", Some(Success)),
        ];
        assert_eq!(
            rollback_target(&newest_first, "v1.4.0").as_deref(),
            Some("v1.3.0")
        );
        let none = [
            deployment(2, "v1.4.0", Some(Success)),
            deployment(1, "v1.3.0", Some(InProgress)),
        ];
        assert_eq!(rollback_target(&none, "v1.4.0"), None);
        assert_eq!(rollback_target(&[], "v1.4.0"), None);
    }
}
