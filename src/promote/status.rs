//! `/status`: where the release is deployed (from the forge's records), the hold, the window.
use semver::Version;

use crate::forge::Forge;
use crate::window::Risk;

use super::answer::Answer;
use super::checks::hold_in_force;
use super::decide::Policy;
use super::error::PromoteError;

/// The status of the release `version` as Markdown.
pub async fn status_text<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    version: &Version,
    answers: &[Answer],
) -> Result<String, PromoteError> {
    let tag = format!("{}{version}", policy.tag_prefix);
    let release = forge.release_deployments(&tag).await?;
    let mut out =
        format!("**Status of `{tag}`**\n\n| environment | state | window now |\n|---|---|---|\n");
    for environment in policy.environments {
        let newest = release
            .iter()
            .filter(|d| &d.environment == environment)
            .max_by_key(|d| d.id);
        let state = newest.map_or_else(
            || "not deployed".to_owned(),
            |d| {
                format!(
                    "{} (deployment {})",
                    d.state
                        .map_or_else(|| "created".to_owned(), |s| s.to_string()),
                    d.id
                )
            },
        );
        let verdict = policy.calendar.check(environment, Risk::Low, policy.now);
        let window = if verdict.allowed {
            "open".to_owned()
        } else {
            format!("closed: {}", verdict.reason().replace('|', "\\|"))
        };
        out.push_str(&format!("| {environment} | {state} | {window} |\n"));
    }
    match hold_in_force(answers) {
        Some(hold) => out.push_str(&format!("\nOn hold since {}.\n", hold.at)),
        None => out.push_str("\nNot on hold.\n"),
    }
    Ok(out)
}
