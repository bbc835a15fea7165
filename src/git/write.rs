//! Writing to the repository: the release commit, the annotated (or signed) tag, and undoing both.
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use git2::{ObjectType, Oid, ResetType, Signature, Time};

use super::error::{GitContext, GitError};
use super::repo::Repo;

/// Who made something and when; `None` fields come from git config and the clock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// Name (`GIT_AUTHOR_NAME` / `GIT_COMMITTER_NAME`, else `user.name`).
    pub name: Option<String>,
    /// E-mail (`GIT_AUTHOR_EMAIL` / `GIT_COMMITTER_EMAIL`, else `user.email`).
    pub email: Option<String>,
    /// Seconds since the epoch and offset in minutes (`GIT_*_DATE`), else now.
    pub when: Option<(i64, i32)>,
}

/// The author and committer of the release commit; the committer also tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The commit author.
    pub author: Person,
    /// The committer and tagger.
    pub committer: Person,
}

impl Identity {
    /// Read git's own variables (`GIT_AUTHOR_NAME`, `GIT_AUTHOR_EMAIL`, `GIT_AUTHOR_DATE` and the
    /// `GIT_COMMITTER_*` three) through `lookup`; dates in git's internal form `[@]SECONDS +HHMM`.
    pub fn from_git_vars(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let person = |role: &str| Person {
            name: lookup(&format!("GIT_{role}_NAME")).filter(|v| !v.is_empty()),
            email: lookup(&format!("GIT_{role}_EMAIL")).filter(|v| !v.is_empty()),
            when: lookup(&format!("GIT_{role}_DATE")).and_then(|d| parse_git_date(&d)),
        };
        Self {
            author: person("AUTHOR"),
            committer: person("COMMITTER"),
        }
    }
}

/// Parse git's internal date format, `[@]SECONDS [+-]HHMM`.
fn parse_git_date(text: &str) -> Option<(i64, i32)> {
    let mut parts = text.split_whitespace();
    let seconds = parts.next()?.trim_start_matches('@').parse().ok()?;
    let offset = match parts.next() {
        None => 0,
        Some(zone) => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits = zone.get(1..5)?;
            let hours: i32 = digits.get(..2)?.parse().ok()?;
            let minutes: i32 = digits.get(2..)?.parse().ok()?;
            sign * (hours * 60 + minutes)
        }
    };
    Some((seconds, offset))
}

/// Used when neither the environment nor git config name anyone (typical in CI).
const FALLBACK_NAME: &str = "shipgate";
const FALLBACK_EMAIL: &str = "shipgate@users.noreply.invalid";

impl Repo {
    pub(super) fn signature(&self, person: &Person) -> Result<Signature<'static>, GitError> {
        let config = self.inner.config().ok();
        let from_config = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
        let name = person
            .name
            .clone()
            .or_else(|| from_config("user.name"))
            .unwrap_or_else(|| FALLBACK_NAME.to_owned());
        let email = person
            .email
            .clone()
            .or_else(|| from_config("user.email"))
            .unwrap_or_else(|| FALLBACK_EMAIL.to_owned());
        let signature = match person.when {
            Some((seconds, offset)) => Signature::new(&name, &email, &Time::new(seconds, offset)),
            None => Signature::now(&name, &email),
        };
        signature.doing(|| format!("building the signature of {name} <{email}>"))
    }

    /// Stage `paths` (relative to the root) and commit them on HEAD with `message`.
    pub fn commit_paths(
        &self,
        paths: &[PathBuf],
        message: &str,
        identity: &Identity,
    ) -> Result<Oid, GitError> {
        let repo = &self.inner;
        let mut index = repo.index().doing(|| "reading the index".into())?;
        for path in paths {
            index
                .add_path(path)
                .doing(|| format!("staging {}", path.display()))?;
        }
        index.write().doing(|| "writing the index".into())?;
        let tree_id = index.write_tree().doing(|| "writing the tree".into())?;
        let tree = repo
            .find_tree(tree_id)
            .doing(|| "reading the tree".into())?;
        let parent = repo
            .find_commit(self.head()?)
            .doing(|| "reading HEAD".into())?;
        let author = self.signature(&identity.author)?;
        let committer = self.signature(&identity.committer)?;
        repo.commit(
            Some("HEAD"),
            &author,
            &committer,
            message,
            &tree,
            &[&parent],
        )
        .doing(|| "creating the release commit".into())
    }

    /// Create the annotated tag `name` on `target` with `message`; `sign` uses git's own signing setup.
    pub fn create_tag(
        &self,
        name: &str,
        target: Oid,
        message: &str,
        identity: &Identity,
        sign: bool,
    ) -> Result<(), GitError> {
        if sign {
            return self.create_signed_tag(name, target, message, identity);
        }
        let object = self
            .inner
            .find_object(target, Some(ObjectType::Commit))
            .doing(|| format!("reading commit {target}"))?;
        let tagger = self.signature(&identity.committer)?;
        self.inner
            .tag(name, &object, &tagger, message, false)
            .doing(|| format!("creating tag {name}"))?;
        Ok(())
    }

    /// libgit2 cannot sign, so `git tag -s` signs with the user's gpg or ssh setup.
    fn create_signed_tag(
        &self,
        name: &str,
        target: Oid,
        message: &str,
        identity: &Identity,
    ) -> Result<(), GitError> {
        let tagger = self.signature(&identity.committer)?;
        let mut command = Command::new("git");
        command
            .current_dir(self.root())
            .args(["tag", "--sign", "--cleanup=verbatim", "--file=-", name])
            .arg(target.to_string())
            .env("GIT_COMMITTER_NAME", tagger.name().unwrap_or(FALLBACK_NAME))
            .env(
                "GIT_COMMITTER_EMAIL",
                tagger.email().unwrap_or(FALLBACK_EMAIL),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some((seconds, offset)) = identity.committer.when {
            command.env("GIT_COMMITTER_DATE", git_date(seconds, offset));
        }
        let sign_error = |detail: String| GitError::Sign {
            tag: name.to_owned(),
            detail,
        };
        let mut child = command
            .spawn()
            .map_err(|e| sign_error(format!("could not run git: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(message.as_bytes())
                .map_err(|e| sign_error(format!("could not write the tag message: {e}")))?;
        }
        let output = child
            .wait_with_output()
            .map_err(|e| sign_error(format!("git did not finish: {e}")))?;
        if !output.status.success() {
            return Err(sign_error(
                String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            ));
        }
        Ok(())
    }

    /// Undo a release made in this run: delete `tag`, and move HEAD back to `base` if a commit was made.
    pub fn undo_release(&self, tag: &str, base: Option<Oid>) -> Result<(), GitError> {
        if let Ok(mut reference) = self.inner.find_reference(&format!("refs/tags/{tag}")) {
            reference
                .delete()
                .doing(|| format!("deleting the local tag {tag}"))?;
        }
        if let Some(base) = base {
            let object = self
                .inner
                .find_object(base, None)
                .doing(|| format!("reading commit {base}"))?;
            self.inner
                .reset(&object, ResetType::Hard, None)
                .doing(|| "removing the local release commit".into())?;
        }
        Ok(())
    }
}

/// git's internal date format: `<seconds> <+hhmm>`.
fn git_date(seconds: i64, offset_minutes: i32) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let offset = offset_minutes.unsigned_abs();
    format!("{seconds} {sign}{:02}{:02}", offset / 60, offset % 60)
}

#[cfg(test)]
mod tests {
    use super::{git_date, parse_git_date};

    #[test]
    fn parses_git_internal_dates() {
        assert_eq!(parse_git_date("1700000000 +0000"), Some((1_700_000_000, 0)));
        assert_eq!(
            parse_git_date("@1700000000 -0130"),
            Some((1_700_000_000, -90))
        );
        assert_eq!(parse_git_date("1700000000"), Some((1_700_000_000, 0)));
        assert_eq!(parse_git_date("yesterday"), None);
    }

    #[test]
    fn git_date_formats_offsets() {
        assert_eq!(git_date(1_700_000_000, 0), "1700000000 +0000");
        assert_eq!(git_date(1_700_000_000, 90), "1700000000 +0130");
        assert_eq!(git_date(1_700_000_000, -300), "1700000000 -0500");
    }
}
