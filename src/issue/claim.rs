//! The release a deployment issue tracks, as shipgate sealed it in a comment of its own.
//!
//! The issue body carries the release marker too, but anyone who may edit issues may edit the
//! body. What a promotion deploys is read from the sealed comment `open` writes once, which
//! the [`Seal`] proves unaltered (HMAC with a key, or never edited without one).
use semver::Version;

use crate::forge::{Comment, Forge, create_once};
use crate::seal::Seal;

use super::IssueError;

const CLAIM_START: &str = "<!-- shipgate:tracks ";
const CLAIM_END: &str = " -->";

/// What a seal binds a claim to: its issue (so a claim copied to another issue is unproven).
fn context(issue: u64) -> String {
    format!("issue {issue} release")
}

/// The comment that seals `version` as the release issue `issue` tracks.
pub fn claim_comment(seal: &Seal, issue: u64, version: &Version) -> String {
    let sealed = seal.seal(&context(issue), &format!("v{version}"));
    format!(
        "{CLAIM_START}{sealed}{CLAIM_END}\n📦 This issue tracks release **v{version}**. \
         shipgate reads the release from this comment, not from the issue body; \
         an edited or deleted copy of this comment stops promotions from this issue.\n"
    )
}

/// The version a comment of `own_login`'s seals for issue `issue`, when the seal proves it.
fn claimed(comment: &Comment, own_login: &str, seal: &Seal, issue: u64) -> Option<Version> {
    if !comment.author.eq_ignore_ascii_case(own_login) {
        return None;
    }
    let line = comment.body.lines().next()?;
    let sealed = line.strip_prefix(CLAIM_START)?.strip_suffix(CLAIM_END)?;
    match seal.open(&context(issue), sealed, comment) {
        Ok(fields) => fields
            .strip_prefix('v')
            .and_then(|v| Version::parse(v).ok()),
        Err(why) => {
            tracing::warn!(
                comment = comment.id,
                issue,
                "a release claim of shipgate's does not count: {why}"
            );
            None
        }
    }
}

/// The release issue `issue` tracks by shipgate's proven claims among `comments`: `None` when
/// there is none, or when proven claims disagree (which only a leaked key allows).
pub fn sealed_release(
    comments: &[Comment],
    own_login: &str,
    seal: &Seal,
    issue: u64,
) -> Option<Version> {
    let mut proven = comments
        .iter()
        .filter_map(|c| claimed(c, own_login, seal, issue));
    let first = proven.next()?;
    proven.all(|v| v == first).then_some(first)
}

/// Write the claim that issue `issue` tracks `version`, unless a proven one is there already
/// (`Ok(false)`). A claim whose creation seemed to fail is looked for before it is written again.
pub async fn ensure_claim<F: Forge>(
    forge: &F,
    seal: &Seal,
    own_login: &str,
    issue: u64,
    version: &Version,
) -> Result<bool, IssueError> {
    let present = || async {
        let comments = forge.comments(issue).await?;
        Ok::<_, IssueError>(
            comments
                .into_iter()
                .find(|c| claimed(c, own_login, seal, issue).as_ref() == Some(version)),
        )
    };
    if present().await?.is_some() {
        return Ok(false);
    }
    let body = claim_comment(seal, issue, version);
    create_once(
        &forge.retry_policy(),
        "sealing the release the deployment issue tracks",
        || forge.create_comment(issue, &body),
        present,
    )
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    fn comment(author: &str, body: &str) -> Comment {
        Comment {
            id: 1,
            body: body.to_owned(),
            author: author.to_owned(),
            author_is_bot: true,
            created_at: "2026-11-24T10:00:00Z".parse().unwrap(),
            updated_at: "2026-11-24T10:00:00Z".parse().unwrap(),
            system: false,
            url: None,
        }
    }

    fn keyed() -> Seal {
        Seal::new(Some(SecretString::from("k".to_owned())))
    }

    #[test]
    fn a_claim_reads_back_on_its_own_issue_only() {
        let v = Version::new(1, 4, 0);
        for seal in [Seal::default(), keyed()] {
            let c = comment("bot", &claim_comment(&seal, 7, &v));
            assert_eq!(
                sealed_release(std::slice::from_ref(&c), "bot", &seal, 7),
                Some(v.clone())
            );
            assert_eq!(
                sealed_release(std::slice::from_ref(&c), "someone", &seal, 7),
                None
            );
            if seal.keyed() {
                assert_eq!(sealed_release(&[c], "bot", &seal, 8), None);
            }
        }
    }

    #[test]
    fn an_altered_claim_does_not_count() {
        let v = Version::new(1, 4, 0);
        let seal = keyed();
        let altered = comment(
            "bot",
            &claim_comment(&seal, 7, &v).replace("v1.4.0", "v1.3.0"),
        );
        assert_eq!(sealed_release(&[altered], "bot", &seal, 7), None);
        let mut edited = comment("bot", &claim_comment(&Seal::default(), 7, &v));
        edited.updated_at = "2026-11-24T10:05:00Z".parse().unwrap();
        assert_eq!(sealed_release(&[edited], "bot", &Seal::default(), 7), None);
        let unsealed = comment("bot", &claim_comment(&Seal::default(), 7, &v));
        assert_eq!(sealed_release(&[unsealed], "bot", &seal, 7), None);
    }

    #[test]
    fn claims_that_disagree_prove_nothing() {
        let seal = Seal::default();
        let one = comment("bot", &claim_comment(&seal, 7, &Version::new(1, 4, 0)));
        let two = comment("bot", &claim_comment(&seal, 7, &Version::new(1, 5, 0)));
        assert_eq!(sealed_release(&[one.clone(), two], "bot", &seal, 7), None);
        assert_eq!(
            sealed_release(&[one.clone(), one], "bot", &seal, 7),
            Some(Version::new(1, 4, 0))
        );
    }
}
