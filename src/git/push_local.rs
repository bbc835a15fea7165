//! Pushing to a remote on a local path (a bare repository on disk, a mounted share, `file://`).
//!
//! libgit2's local transport moves the remote's reference without comparing it with the value
//! it read, so when several jobs push at once the last one silently replaces the others. The
//! `git` executable pushes over the path through `git receive-pack`, which locks the reference
//! and updates it only if it still holds the value it advertised: a compare-and-swap.
use std::io::ErrorKind;
use std::process::{Command, Stdio};

use super::error::GitError;
use super::push::redact_credentials;
use super::repo::Repo;

/// Whether `url` names a repository on a local path rather than on a server: no `scheme://`
/// (or `file://`), and no `host:path` form (a colon before the first slash, as git reads it).
pub(crate) fn is_local_url(url: &str) -> bool {
    if let Some((scheme, _)) = url.split_once("://") {
        return scheme.eq_ignore_ascii_case("file");
    }
    match url.find(':') {
        None => true,
        Some(colon) => {
            let before = &url[..colon];
            let drive_letter = before.len() == 1 && before.chars().all(|c| c.is_ascii_alphabetic());
            before.contains('/') || drive_letter
        }
    }
}

/// One reference's line of `git push --porcelain`: `<flag>\t<from>:<to>\t<summary>`.
#[derive(Debug, PartialEq, Eq)]
struct RefStatus<'a> {
    flag: char,
    summary: &'a str,
}

/// The status line of `remote_ref` in `git push --porcelain` output.
fn ref_status<'a>(stdout: &'a str, remote_ref: &str) -> Option<RefStatus<'a>> {
    stdout.lines().find_map(|line| {
        let mut fields = line.splitn(3, '\t');
        let flag = fields.next()?.chars().next()?;
        let refs = fields.next()?;
        let summary = fields.next().unwrap_or_default();
        (refs.rsplit_once(':')?.1 == remote_ref).then_some(RefStatus { flag, summary })
    })
}

impl Repo {
    /// Push `local` to `remote_ref` with `git push` (never forced): `Ok` only when the remote
    /// accepted the update.
    pub(crate) fn push_with_git(
        &self,
        remote: &str,
        url: &str,
        local: &str,
        remote_ref: &str,
    ) -> Result<(), GitError> {
        // From the work tree's root, where git itself resolves a relative remote path.
        let output = Command::new("git")
            .current_dir(self.root())
            .arg("--git-dir")
            .arg(self.inner.path())
            .args(["push", "--porcelain", "--no-verify", remote])
            .arg(format!("{local}:{remote_ref}"))
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| match e.kind() {
                ErrorKind::NotFound => GitError::NoGitExecutable {
                    url: redact_credentials(url),
                },
                _ => GitError::Remote {
                    action: format!("running git push to {}", redact_credentials(url)),
                    message: e.to_string(),
                },
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        match ref_status(&stdout, remote_ref) {
            // ' ' fast-forward, '*' new reference, '=' already there; '+' (forced) and '-'
            // (deleted) cannot come from this refspec.
            Some(RefStatus {
                flag: ' ' | '*' | '=',
                ..
            }) if output.status.success() => Ok(()),
            Some(status) => Err(GitError::PushRejected {
                reference: remote_ref.to_owned(),
                message: redact_credentials(
                    status
                        .summary
                        .trim()
                        .trim_start_matches('[')
                        .replace("] (", ": ")
                        .trim_end_matches(')')
                        .trim_end_matches(']'),
                ),
            }),
            None => Err(GitError::Remote {
                action: format!("git push to {}", redact_credentials(url)),
                message: redact_credentials(
                    stderr
                        .lines()
                        .filter(|l| !l.trim().is_empty() && !l.starts_with("hint:"))
                        .collect::<Vec<_>>()
                        .join("; ")
                        .trim(),
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{RefStatus, is_local_url, ref_status};

    #[test]
    fn local_paths_and_file_urls_are_local() {
        for url in [
            "/srv/git/r.git",
            "../r.git",
            "r.git",
            "file:///srv/git/r.git",
            "./a:b/r.git",
            "C:/git/r.git",
        ] {
            assert!(is_local_url(url), "{url}");
        }
        for url in [
            "https://github.com/o/r.git",
            "git://127.0.0.1:9418/r.git",
            "ssh://git@host/r.git",
            "git@github.com:o/r.git",
            "host:r.git",
        ] {
            assert!(!is_local_url(url), "{url}");
        }
    }

    #[test]
    fn reads_the_status_of_the_pushed_reference() {
        let out =
            "To /tmp/r.git\n!\trefs/shipgate/x:refs/heads/log\t[rejected] (fetch first)\nDone\n";
        assert_eq!(
            ref_status(out, "refs/heads/log"),
            Some(RefStatus {
                flag: '!',
                summary: "[rejected] (fetch first)"
            })
        );
        let out = "To /tmp/r.git\n*\t0123abc:refs/heads/log\t[new branch]\nDone\n";
        assert_eq!(ref_status(out, "refs/heads/log").map(|s| s.flag), Some('*'));
        assert_eq!(ref_status(out, "refs/heads/other"), None);
    }
}
