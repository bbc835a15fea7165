//! The release a deployment issue tracks, as shipgate sealed it in a comment of its own.
//!
//! The issue body carries the release marker too, but anyone who may edit issues may edit the
//! body. What a promotion deploys is read from the sealed comment `open` writes once, which
//! the [`Seal`] proves unaltered (HMAC with a key, or never edited without one).
use semver::Version;

use crate::deploy_issue::Image;
use crate::forge::{Comment, Forge, create_once};
use crate::seal::Seal;

use super::IssueError;

const CLAIM_START: &str = "<!-- shipgate:tracks ";
const CLAIM_END: &str = " -->";

/// What a seal binds a claim to: its issue (so a claim copied to another issue is unproven).
fn context(issue: u64) -> String {
    format!("issue {issue} release")
}

/// What a sealed claim says: the release, and the images built for it (`NAME=REF`, pinned by
/// digest when the pipeline pinned them), which later environments deploy unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The release the issue tracks.
    pub version: Version,
    /// The images sealed with it, in the order given.
    pub images: Vec<Image>,
}

impl Claim {
    /// The marker's fields: `v1.4.0 app=registry/app@sha256:…`.
    fn fields(&self) -> String {
        let mut fields = format!("v{}", self.version);
        for image in &self.images {
            fields.push_str(&format!(" {}={}", image.name, image.reference));
        }
        fields
    }

    fn parse(fields: &str) -> Option<Self> {
        let mut words = fields.split(' ');
        let version = Version::parse(words.next()?.strip_prefix('v')?).ok()?;
        let images = words.map(|w| w.parse().ok()).collect::<Option<_>>()?;
        Some(Self { version, images })
    }
}

/// The comment that seals `claim` as what issue `issue` tracks.
pub fn claim_comment(seal: &Seal, issue: u64, claim: &Claim) -> String {
    let sealed = seal.seal(&context(issue), &claim.fields());
    let version = &claim.version;
    let images = match claim.images.len() {
        0 => String::new(),
        1 => " and its image".to_owned(),
        n => format!(" and its {n} images"),
    };
    format!(
        "{CLAIM_START}{sealed}{CLAIM_END}\n📦 This issue tracks release **v{version}**{images}. \
         shipgate reads the release from this comment, not from the issue body; \
         an edited or deleted copy of this comment stops promotions from this issue.\n"
    )
}

/// The claim a comment of `own_login`'s seals for issue `issue`, when the seal proves it.
fn claimed(comment: &Comment, own_login: &str, seal: &Seal, issue: u64) -> Option<Claim> {
    if !comment.author.eq_ignore_ascii_case(own_login) {
        return None;
    }
    let line = comment.body.lines().next()?;
    let sealed = line.strip_prefix(CLAIM_START)?.strip_suffix(CLAIM_END)?;
    match seal.open(&context(issue), sealed, comment) {
        Ok(fields) => Claim::parse(fields),
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
    sealed_claim(comments, own_login, seal, issue).map(|claim| claim.version)
}

/// What issue `issue` tracks by shipgate's proven claims among `comments`: the release they all
/// name, with the images of the newest (a rebuilt image is sealed again); `None` when there is
/// no proven claim, or when they disagree on the release.
pub fn sealed_claim(
    comments: &[Comment],
    own_login: &str,
    seal: &Seal,
    issue: u64,
) -> Option<Claim> {
    let mut proven = comments
        .iter()
        .filter_map(|c| claimed(c, own_login, seal, issue));
    let first = proven.next()?;
    proven.try_fold(first, |kept, next| {
        if next.version != kept.version {
            return None;
        }
        Some(if next.images.is_empty() { kept } else { next })
    })
}

/// Write the claim that issue `issue` tracks `claim`, unless a proven one says it already
/// (`Ok(false)`): the same release, and the same images when `claim` names any. A claim whose
/// creation seemed to fail is looked for before it is written again.
pub async fn ensure_claim<F: Forge>(
    forge: &F,
    seal: &Seal,
    own_login: &str,
    issue: u64,
    claim: &Claim,
) -> Result<bool, IssueError> {
    let says_it = |found: &Claim| {
        found.version == claim.version && (claim.images.is_empty() || found.images == claim.images)
    };
    let present = || async {
        let comments = forge.comments(issue).await?;
        let current = sealed_claim(&comments, own_login, seal, issue);
        let newest = || {
            comments
                .iter()
                .rev()
                .find(|c| claimed(c, own_login, seal, issue).is_some())
                .cloned()
        };
        Ok::<_, IssueError>(current.as_ref().is_some_and(says_it).then(newest).flatten())
    };
    if present().await?.is_some() {
        return Ok(false);
    }
    let body = claim_comment(seal, issue, claim);
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

    fn claim(version: Version) -> Claim {
        Claim {
            version,
            images: Vec::new(),
        }
    }

    fn keyed() -> Seal {
        Seal::new(Some(SecretString::from("k".to_owned())))
    }

    #[test]
    fn a_claim_reads_back_on_its_own_issue_only() {
        let v = Version::new(1, 4, 0);
        for seal in [Seal::default(), keyed()] {
            let c = comment("bot", &claim_comment(&seal, 7, &claim(v.clone())));
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
            &claim_comment(&seal, 7, &claim(v.clone())).replace("v1.4.0", "v1.3.0"),
        );
        assert_eq!(sealed_release(&[altered], "bot", &seal, 7), None);
        let mut edited = comment(
            "bot",
            &claim_comment(&Seal::default(), 7, &claim(v.clone())),
        );
        edited.updated_at = "2026-11-24T10:05:00Z".parse().unwrap();
        assert_eq!(sealed_release(&[edited], "bot", &Seal::default(), 7), None);
        let unsealed = comment(
            "bot",
            &claim_comment(&Seal::default(), 7, &claim(v.clone())),
        );
        assert_eq!(sealed_release(&[unsealed], "bot", &seal, 7), None);
    }

    #[test]
    fn claims_that_disagree_prove_nothing() {
        let seal = Seal::default();
        let one = comment(
            "bot",
            &claim_comment(&seal, 7, &claim(Version::new(1, 4, 0))),
        );
        let two = comment(
            "bot",
            &claim_comment(&seal, 7, &claim(Version::new(1, 5, 0))),
        );
        assert_eq!(sealed_release(&[one.clone(), two], "bot", &seal, 7), None);
        assert_eq!(
            sealed_release(&[one.clone(), one], "bot", &seal, 7),
            Some(Version::new(1, 4, 0))
        );
    }

    #[test]
    fn the_newest_claim_of_the_release_gives_its_images() {
        let seal = keyed();
        let image = |text: &str| text.parse::<Image>().unwrap();
        let v = Version::new(1, 4, 0);
        let first = Claim {
            version: v.clone(),
            images: vec![image("app=registry.test/app@sha256:aa")],
        };
        let rebuilt = Claim {
            version: v.clone(),
            images: vec![
                image("app=registry.test/app@sha256:bb"),
                image("worker=registry.test/worker@sha256:cc"),
            ],
        };
        let comments = [
            comment("bot", &claim_comment(&seal, 7, &claim(v.clone()))),
            comment("bot", &claim_comment(&seal, 7, &first)),
            comment("bot", &claim_comment(&seal, 7, &rebuilt)),
            comment("bot", &claim_comment(&seal, 7, &claim(v.clone()))),
        ];
        assert!(
            comments[2].body.contains("and its 2 images"),
            "{}",
            comments[2].body
        );
        assert_eq!(
            sealed_claim(&comments, "bot", &seal, 7),
            Some(rebuilt.clone())
        );
        let other_release = Claim {
            version: Version::new(1, 5, 0),
            ..rebuilt
        };
        let disagreeing = [
            comments[0].clone(),
            comment("bot", &claim_comment(&seal, 7, &other_release)),
        ];
        assert_eq!(sealed_claim(&disagreeing, "bot", &seal, 7), None);
        assert_eq!(sealed_release(&comments, "bot", &seal, 7), Some(v));

        let forged = comment(
            "bot",
            &claim_comment(&seal, 7, &first).replace("sha256:aa", "sha256:ff"),
        );
        let mut with_forged = comments.to_vec();
        with_forged.push(forged);
        assert_eq!(
            sealed_claim(&with_forged, "bot", &seal, 7),
            sealed_claim(&comments, "bot", &seal, 7),
            "an altered claim neither adds nor replaces images"
        );
    }
}
