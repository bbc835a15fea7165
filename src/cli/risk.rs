//! The risk a release is judged with by the deployment window, when `--risk` is not given.
use std::path::Path;

use semver::Version;

use crate::window::{Risk, RiskChoice, SchemaRisk, choose_risk};

use super::{Failure, read_schema_report};

/// `given` (`--risk`) when set; else high for a new major version over the release before
/// `version` (read from the repository at `repo`), or for a code-first, blocked or destructive
/// schema report; else low, with why.
pub fn release_risk(
    given: Option<Risk>,
    repo: &Path,
    tag_prefix: &str,
    version: Option<&Version>,
    schema_report: Option<&Path>,
) -> Result<RiskChoice, Failure> {
    if given.is_some() {
        return Ok(choose_risk(given, None, None, None));
    }
    let schema = match schema_report {
        Some(path) => Some(SchemaRisk::from(&read_schema_report(path)?)),
        None => None,
    };
    let previous = match version {
        Some(version) => match crate::release::release_facts(repo, version, tag_prefix) {
            Ok(facts) => facts.previous,
            Err(err) => {
                tracing::warn!("cannot find the release before {version}: {err}");
                None
            }
        },
        None => None,
    };
    Ok(choose_risk(
        None,
        version,
        previous.as_ref(),
        schema.as_ref(),
    ))
}
