//! Reading deployments newest first only as far as a decision needs: an environment's whole
//! history costs a call per page, and on GitHub a call per deployment for its state, so a
//! decision that looks at the newest few must not read a thousand.
use super::{Deployment, DeploymentQuery, Forge, ForgeResult};

/// The deployments `query` selects, newest first, each with its state, read until `enough`
/// says the ones read so far suffice (or none are left).
pub async fn scan<F: Forge + ?Sized>(
    forge: &F,
    query: &DeploymentQuery,
    mut enough: impl FnMut(&[Deployment]) -> bool,
) -> ForgeResult<Vec<Deployment>> {
    let mut read = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = forge.deployment_page(query, cursor.as_deref()).await?;
        for deployment in page.items {
            read.push(forge.with_state(deployment).await?);
            if enough(&read) {
                return Ok(read);
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(read),
        }
    }
}
