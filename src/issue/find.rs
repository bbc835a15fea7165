//! Finding our own deployment issues again, by their marker and their author.
use semver::Version;

use crate::deploy_issue::parse_marker;
use crate::forge::{Forge, ForgeResult, Issue};

/// What every deployment issue's marker starts with.
pub const MARKER_PREFIX: &str = "<!-- shipgate:release v";

/// Our open deployment issues (made by `login`), with the version each tracks, oldest first.
pub async fn own_open_issues<F: Forge>(
    forge: &F,
    login: &str,
) -> ForgeResult<Vec<(Version, Issue)>> {
    Ok(forge
        .find_open_issues(MARKER_PREFIX)
        .await?
        .into_iter()
        .filter(|issue| issue.author.eq_ignore_ascii_case(login))
        .filter_map(|issue| Some((parse_marker(&issue.body)?, issue)))
        .collect())
}

/// Our open deployment issue for `version`.
pub async fn own_open_issue<F: Forge>(
    forge: &F,
    login: &str,
    version: &Version,
) -> ForgeResult<Option<Issue>> {
    Ok(own_open_issues(forge, login)
        .await?
        .into_iter()
        .find(|(v, _)| v == version)
        .map(|(_, issue)| issue))
}
