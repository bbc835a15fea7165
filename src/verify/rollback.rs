//! Where a release that failed its gates rolls back to, by the rule `/rollback` follows.
use semver::Version;

use crate::forge::Forge;

use super::VerifyError;

/// The release tag to redeploy on `environment` after `release` failed its gates: the newest
/// successful deployment of another release tag, read from the forge's deployment records
/// (`""` when there is none).
pub async fn rollback_to<F: Forge>(
    forge: &F,
    environment: &str,
    release: &Version,
    tag_prefix: &str,
) -> Result<String, VerifyError> {
    let deployments = forge.deployments(environment).await?;
    let current = crate::release::tag_name(tag_prefix, release);
    Ok(
        crate::promote::rollback_target(&deployments, &current, None, tag_prefix)
            .map(|d| d.git_ref.clone())
            .unwrap_or_default(),
    )
}
