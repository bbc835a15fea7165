//! GitHub (and GitHub Enterprise Server) through octocrab.
//!
//! Every call goes through octocrab's raw requests with our own serde structs, so that our
//! retry policy sees statuses, `Retry-After` and `Link` headers; octocrab's retry layer is
//! not compiled in. Open issues are found by listing (consistent) rather than by the search
//! API (eventually consistent: an issue created a moment ago may not be found, and opened twice).
//! Releases and their assets ([`releases`]) are GitHub's alone, beside the [`Forge`](super::Forge)
//! trait; assets go to the upload host ([`upload_base`]).
mod calls;
mod http;
mod lookups;
mod releases;
mod uploads;
mod wire;

use std::fmt;
use std::sync::OnceLock;

use octocrab::Octocrab;
use secrecy::SecretString;

use self::http::{Github, Http};
pub use self::lookups::TagOnForge;
pub use self::releases::{NewRelease, Release, ReleaseAsset, ReleaseEdit};
use self::uploads::Uploads;
pub use self::uploads::upload_base;
use super::transport::encode;
use super::{ForgeError, ForgeResult};
use crate::retry::RetryPolicy;

/// The login a workflow's `GITHUB_TOKEN` acts as (it cannot call `GET /user`).
pub const ACTIONS_BOT: &str = "github-actions[bot]";

/// Largest page GitHub serves.
const PER_PAGE: u32 = 100;

/// A GitHub repository, reached with a token.
pub struct GithubForge {
    http: Http,
    uploads: Uploads,
    owner: String,
    repo: String,
    login: OnceLock<String>,
}

impl fmt::Debug for GithubForge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GithubForge")
            .field("api", &self.http.base())
            .field("uploads", &self.uploads.base)
            .field("repository", &format_args!("{}/{}", self.owner, self.repo))
            .field("login", &self.login.get())
            .field("retry", &self.http.retry)
            .finish_non_exhaustive()
    }
}

impl GithubForge {
    /// A forge for `repository` (`owner/repo`) at `api_url` (`GITHUB_API_URL`, e.g.
    /// `https://api.github.com`), acting with `token`. `login` names the account the token acts
    /// as when it is known (a GitHub App's bot); otherwise [`Forge::own_login`] asks `GET /user`.
    pub fn new(
        api_url: &str,
        repository: &str,
        token: SecretString,
        login: Option<String>,
    ) -> ForgeResult<Self> {
        let base = api_url.trim_end_matches('/').to_owned();
        let (owner, repo) = repository
            .split_once('/')
            .filter(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'))
            .ok_or_else(|| {
                ForgeError::Setup(format!(
                    "`{repository}` is not a GitHub repository: give it as owner/repo (GITHUB_REPOSITORY)"
                ))
            })?;
        let uploads = Uploads::new(&base, token.clone());
        let octocrab = client(&base, token)?;
        let cell = OnceLock::new();
        if let Some(login) = login.filter(|l| !l.trim().is_empty()) {
            let _ = cell.set(login);
        }
        Ok(Self {
            http: Http {
                dialect: Github { octocrab, base },
                retry: RetryPolicy::default(),
            },
            uploads,
            owner: owner.to_owned(),
            repo: repo.to_owned(),
            login: cell,
        })
    }

    /// The same forge with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.retry = retry;
        self
    }

    fn repo_path(&self, rest: &str) -> String {
        format!(
            "/repos/{}/{}{rest}",
            encode(&self.owner),
            encode(&self.repo)
        )
    }

    fn slug(&self) -> String {
        format!("{}/{}", self.owner, self.repo)
    }
}

/// An octocrab client for the API (or upload host) at `base`, acting with `token`: octocrab
/// sends the token with relative requests and to `base`'s host only.
fn client(base: &str, token: SecretString) -> ForgeResult<Octocrab> {
    let setup = |e: octocrab::Error| {
        ForgeError::Setup(format!("cannot use the GitHub API at `{base}`: {e}"))
    };
    Octocrab::builder()
        .base_uri(base)
        .map_err(setup)?
        .upload_uri(base)
        .map_err(setup)?
        .add_header(
            ::http::HeaderName::from_static("x-github-api-version"),
            "2022-11-28".to_owned(),
        )
        .personal_token(token)
        .build()
        .map_err(setup)
}
