//! Talking to the remote: what it has, and pushing the release branch and tag.
use std::cell::{Cell, RefCell};

use git2::{
    AutotagOption, Cred, CredentialType, Direction, FetchOptions, Oid, PushOptions, RemoteCallbacks,
};
use secrecy::{ExposeSecret, SecretString};

use super::error::GitError;
use super::push_local::is_local_url;
use super::repo::{Repo, short};

/// How to authenticate to an HTTPS remote.
#[derive(Default)]
pub struct PushAuth {
    /// A forge token (`GITHUB_TOKEN` / `GITLAB_TOKEN`), used as the HTTPS password.
    pub token: Option<SecretString>,
    /// The HTTPS user name to pair with the token (`x-access-token` on GitHub, `oauth2` on GitLab).
    pub username: String,
    /// The forge's host (`github.com`, or the CI's server host): the token is only ever sent there.
    pub host: String,
}

/// The host (and port) of a URL, without user information.
fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    Some(
        authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host),
    )
}

/// What the remote has of the release.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteState {
    /// The commit the remote branch points at, if the branch exists.
    pub branch: Option<Oid>,
    /// The object the remote tag points at (the tag object for annotated tags), if it exists.
    pub tag: Option<Oid>,
}

/// Remove `user:password@` from URLs in a message, so tokens in remote URLs never reach output.
pub fn redact_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        let (head, tail) = rest.split_at(scheme_end + 3);
        out.push_str(head);
        let authority_end = tail.find(['/', ' ', '\'', '"', '\n']).unwrap_or(tail.len());
        match tail[..authority_end].rfind('@') {
            Some(at) => {
                out.push_str("***@");
                rest = &tail[at + 1..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

fn git_error(action: &str, source: git2::Error) -> GitError {
    GitError::PushRejected {
        reference: action.to_owned(),
        message: libgit2_message(&source),
    }
}

/// libgit2's message, credentials redacted, without the dangling `: ` it leaves when the OS gave no detail.
fn libgit2_message(error: &git2::Error) -> String {
    redact_credentials(error.message().trim_end_matches([':', ' ']))
}

/// Talking to the remote failed before anything was pushed.
fn remote_error(action: &str, source: git2::Error) -> GitError {
    GitError::Remote {
        action: action.to_owned(),
        message: libgit2_message(&source),
    }
}

/// Why a remote on another host got no credentials: the token is kept for the forge's host.
fn token_withheld(url: &str, forge_host: &str) -> git2::Error {
    git2::Error::from_str(&format!(
        "the token was not sent to {}, which is not the forge host {forge_host} (GITHUB_SERVER_URL, or CI_SERVER_URL on GitLab), and no git credential helper had a password for it; set the server URL to the remote's server, or use a credential helper",
        url_host(url).unwrap_or("the remote"),
    ))
}

impl Repo {
    fn callbacks<'a>(&'a self, auth: &'a PushAuth, attempts: &'a Cell<u32>) -> RemoteCallbacks<'a> {
        let mut callbacks = RemoteCallbacks::new();
        callbacks.credentials(move |url, username_from_url, allowed| {
            attempts.set(attempts.get() + 1);
            if attempts.get() > 3 {
                return Err(git2::Error::from_str(
                    "authentication failed; check that the token may push (contents: write on GitHub, write_repository on GitLab)",
                ));
            }
            if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
                let mut withheld = false;
                if let Some(token) = &auth.token {
                    if url_host(url).is_some_and(|h| h.eq_ignore_ascii_case(&auth.host)) {
                        return Cred::userpass_plaintext(&auth.username, token.expose_secret());
                    }
                    tracing::warn!("not sending the token to {}: it is not the forge host {}", redact_credentials(url), auth.host);
                    withheld = true;
                }
                if let Ok(config) = self.inner.config() {
                    return Cred::credential_helper(&config, url, username_from_url).map_err(|e| {
                        if withheld {
                            token_withheld(url, &auth.host)
                        } else {
                            e
                        }
                    });
                }
            }
            if allowed.contains(CredentialType::SSH_KEY) {
                return Cred::ssh_key_from_agent(username_from_url.unwrap_or("git"));
            }
            Cred::default()
        });
        callbacks
    }

    /// Ask the remote where `branch` and `tag` are, without changing anything.
    pub fn remote_state(
        &self,
        remote: &str,
        branch: &str,
        tag: &str,
        auth: &PushAuth,
    ) -> Result<RemoteState, GitError> {
        let mut remote = self
            .inner
            .find_remote(remote)
            .map_err(|_| GitError::NoSuchRemote(remote.to_owned()))?;
        let attempts = Cell::new(0);
        let connection = remote
            .connect_auth(Direction::Push, Some(self.callbacks(auth, &attempts)), None)
            .map_err(|e| remote_error("connecting to the remote", e))?;
        let heads = connection
            .list()
            .map_err(|e| remote_error("listing the remote's references", e))?;
        let branch_ref = format!("refs/heads/{branch}");
        let tag_ref = format!("refs/tags/{tag}");
        let mut state = RemoteState::default();
        for head in heads {
            if head.name() == branch_ref {
                state.branch = Some(head.oid());
            } else if head.name() == tag_ref {
                state.tag = Some(head.oid());
            }
        }
        Ok(state)
    }

    /// Fetch exactly `refspec` (`+src:dst`) from `remote`: no tags follow.
    pub fn fetch(&self, remote: &str, refspec: &str, auth: &PushAuth) -> Result<(), GitError> {
        let mut handle = self
            .inner
            .find_remote(remote)
            .map_err(|_| GitError::NoSuchRemote(remote.to_owned()))?;
        let attempts = Cell::new(0);
        let mut options = FetchOptions::new();
        options
            .remote_callbacks(self.callbacks(auth, &attempts))
            .download_tags(AutotagOption::None)
            .update_fetchhead(false);
        handle
            .fetch(&[refspec], Some(&mut options), None)
            .map_err(|e| remote_error("fetching from the remote", e))
    }

    /// Push `local` (a ref or object id) to `remote_ref`, never forced: `Ok` only when the remote
    /// accepted the update, which it makes only if the reference still holds the value it
    /// advertised. Remotes on a local path are pushed with the `git` executable, because
    /// libgit2's local transport overwrites the reference without that comparison.
    pub fn push_ref(
        &self,
        remote: &str,
        local: &str,
        remote_ref: &str,
        auth: &PushAuth,
    ) -> Result<(), GitError> {
        let name = remote;
        let mut remote = self
            .inner
            .find_remote(remote)
            .map_err(|_| GitError::NoSuchRemote(remote.to_owned()))?;
        let url = remote
            .pushurl()
            .or(remote.url())
            .unwrap_or_default()
            .to_owned();
        if is_local_url(&url) {
            return self.push_with_git(name, &url, local, remote_ref);
        }
        let attempts = Cell::new(0);
        let rejected: RefCell<Option<(String, String)>> = RefCell::new(None);
        let mut callbacks = self.callbacks(auth, &attempts);
        callbacks.push_update_reference(|reference, status| {
            if let Some(message) = status {
                *rejected.borrow_mut() = Some((reference.to_owned(), message.to_owned()));
            }
            Ok(())
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(callbacks);
        let refspec = format!("{local}:{remote_ref}");
        remote
            .push(&[refspec.as_str()], Some(&mut options))
            .map_err(|e| git_error(remote_ref, e))?;
        drop(options);
        if let Some((reference, message)) = rejected.into_inner() {
            return Err(GitError::PushRejected {
                reference,
                message: redact_credentials(message.trim_end_matches([':', ' '])),
            });
        }
        Ok(())
    }

    /// The id of the object a local tag reference points at (the tag object when annotated).
    pub fn tag_object(&self, tag: &str) -> Option<Oid> {
        self.inner
            .find_reference(&format!("refs/tags/{tag}"))
            .ok()
            .and_then(|r| r.target())
    }

    /// Whether `id` exists in the local object database.
    pub fn has_object(&self, id: Oid) -> bool {
        self.inner.find_object(id, None).is_ok()
    }

    /// Describe an object for messages.
    pub fn describe(&self, id: Oid) -> String {
        short(id)
    }
}

#[cfg(test)]
mod tests {
    use super::{redact_credentials, url_host};

    #[test]
    fn url_host_ignores_user_info_and_path() {
        assert_eq!(
            url_host("https://tok:x@gitlab.example:8443/g/p.git"),
            Some("gitlab.example:8443")
        );
        assert_eq!(url_host("https://github.com/o/r"), Some("github.com"));
        assert_eq!(url_host("/srv/git/r.git"), None);
    }

    #[test]
    fn redacts_user_and_password_in_urls() {
        assert_eq!(
            redact_credentials(
                "failed to push to https://gitlab-ci-token:glcbt-secret@gitlab.example/a/b.git: 403"
            ),
            "failed to push to https://***@gitlab.example/a/b.git: 403"
        );
        assert_eq!(
            redact_credentials("https://x:y@h/p and http://u@h2/q"),
            "https://***@h/p and http://***@h2/q"
        );
    }

    #[test]
    fn leaves_urls_without_credentials_alone() {
        let text = "cannot reach https://github.com/o/r.git, see git@github.com:o/r";
        assert_eq!(redact_credentials(text), text);
    }
}
