//! GitLab (GitLab.com or self-managed) through the gitlab crate.
//!
//! The crate's async client adds the token (`PRIVATE-TOKEN`) and the `/api/v4/` base; every call
//! goes through its `AsyncClient::rest_async` with our own serde structs, so that our retry policy
//! sees statuses, `Retry-After`, `X-Next-Page` and `Link` (the typed endpoints and `api::raw` hide
//! them, and the crate's own paging would retry nothing). The client is built on first use,
//! because building it asks `GET /api/v4/user`: that first request is retried like any read.
mod calls;
mod http;
mod lookups;
mod wire;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use secrecy::SecretString;
use tokio::sync::OnceCell;

use self::http::{Endpoint, Gitlab, Http};
use super::transport::encode;
use super::{ForgeError, ForgeResult};
use crate::retry::RetryPolicy;

/// Largest page GitLab serves.
const PER_PAGE: u32 = 100;

/// A GitLab project, reached with a token.
pub struct GitlabForge {
    http: Http,
    project: String,
    login: OnceLock<String>,
    /// User ids by lower-case username, as the notes listed name their authors: asking a note
    /// author's access level then needs no `GET /users?username=`.
    user_ids: Mutex<HashMap<String, u64>>,
}

impl fmt::Debug for GitlabForge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitlabForge")
            .field("api", &self.http.base())
            .field("project", &self.project)
            .field("login", &self.login.get())
            .field("retry", &self.http.retry)
            .finish_non_exhaustive()
    }
}

impl GitlabForge {
    /// A forge for `project` (`CI_PROJECT_ID`, or a path such as `group/app`) at `api_url`
    /// (`CI_API_V4_URL`, e.g. `https://gitlab.example/api/v4`; plain `http` for tests), acting
    /// with `token` (the `api` scope). `login` names the token's user when it is known; otherwise
    /// [`Forge::own_login`](super::Forge::own_login) asks `GET /user`. Nothing is sent until the
    /// first call.
    pub fn new(
        api_url: &str,
        project: &str,
        token: SecretString,
        login: Option<String>,
    ) -> ForgeResult<Self> {
        let endpoint = Endpoint::parse(api_url)?;
        let project = project.trim().trim_matches('/');
        if project.is_empty() {
            return Err(ForgeError::Setup(
                "no GitLab project: give its id or path (CI_PROJECT_ID)".to_owned(),
            ));
        }
        let cell = OnceLock::new();
        if let Some(login) = login.filter(|l| !l.trim().is_empty()) {
            let _ = cell.set(login);
        }
        Ok(Self {
            http: Http {
                dialect: Gitlab {
                    endpoint,
                    base: api_url.trim().trim_end_matches('/').to_owned(),
                    token,
                    client: OnceCell::new(),
                },
                retry: RetryPolicy::default(),
            },
            project: project.to_owned(),
            login: cell,
            user_ids: Mutex::default(),
        })
    }

    /// The same forge with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.retry = retry;
        self
    }

    /// `projects/:id{rest}`, the id or path URL-encoded.
    fn project_path(&self, rest: &str) -> String {
        format!("projects/{}{rest}", encode(&self.project))
    }
}
