//! The `issue` channel: a comment on the release's deployment issue, once per event and CI run.
use semver::Version;

use crate::config::notify::Event;
use crate::forge::{Comment, Forge, comment_once};

use super::webhook::AttemptError;

/// The hidden marker that makes a comment findable again:
/// `<!-- shipgate:notify start v1.2.0 production run 77 -->`.
pub fn comment_marker(event: Event, version: &str, environment: &str, run: &str) -> String {
    format!("<!-- shipgate:notify {event} v{version} {environment} run {run} -->")
}

/// Our open deployment issue for a release, on a connected forge.
pub(crate) struct FoundIssue<'f, F> {
    /// The forge it is on.
    pub forge: &'f F,
    /// Its number.
    pub number: u64,
    /// The login we comment as.
    pub login: String,
    /// Its address.
    pub url: String,
}

/// Connect to the forge through `connect` and find our open deployment issue for `version`;
/// else why not, for the channel's error or the report's warning.
pub(crate) async fn find_issue<'f, F: Forge + 'f>(
    connect: impl FnOnce() -> Result<&'f F, String>,
    version: &Version,
) -> Result<FoundIssue<'f, F>, String> {
    let forge = connect()?;
    let login = forge.own_login().await.map_err(|e| e.to_string())?;
    match crate::issue::own_open_issue(forge, &login, version).await {
        Ok(Some(issue)) => Ok(FoundIssue {
            forge,
            number: issue.number,
            login,
            url: issue.url,
        }),
        Ok(None) => Err(format!(
            "no open deployment issue for v{version}: run `shipgate-issue open` first"
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether the comment was written now or found from an earlier try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Commented {
    /// Written now.
    New,
    /// Our comment with the same marker was already there.
    Already,
}

/// Comment `markdown` on issue `number` unless our comment with `marker` is already there.
pub(crate) async fn comment<F: Forge>(
    forge: &F,
    login: &str,
    number: u64,
    marker: &str,
    markdown: &str,
) -> Result<Commented, AttemptError> {
    let transient = |e: crate::forge::ForgeError| AttemptError::Transient(e.to_string());
    let comments = forge.comments(number).await.map_err(transient)?;
    if comments
        .iter()
        .any(|c| c.author.eq_ignore_ascii_case(login) && c.body.contains(marker))
    {
        return Ok(Commented::Already);
    }
    let body = format!("{marker}\n{markdown}");
    let ours =
        |c: &Comment, login: &str| c.author.eq_ignore_ascii_case(login) && c.body.contains(marker);
    comment_once(forge, number, &body, ours)
        .await
        .map_err(transient)?;
    Ok(Commented::New)
}
