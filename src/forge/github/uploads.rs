//! Where release assets are uploaded: GitHub's upload host, derived from the API base (never
//! taken from a release's `upload_url`), reached by a client of its own whose base is that host,
//! so the token goes to the API and the upload host and nowhere else.
use std::sync::OnceLock;
use std::time::Duration;

use octocrab::Octocrab;
use secrecy::SecretString;

use super::client;
use super::http::{Github, Http};
use crate::forge::ForgeResult;
use crate::retry::RetryPolicy;

/// The least time one upload attempt, and the whole upload, may take (an archive of tens of
/// megabytes on a slow runner).
const UPLOAD_TIME: Duration = Duration::from_secs(600);

/// The upload host's base for the API at `api_base`: `https://api.github.com` uploads to
/// `https://uploads.github.com`, a GitHub Enterprise Server `https://HOST/api/v3` to
/// `https://HOST/api/uploads`; any other base (a test's fake) takes uploads itself.
pub fn upload_base(api_base: &str) -> String {
    let base = api_base.trim_end_matches('/');
    if base.eq_ignore_ascii_case("https://api.github.com") {
        return "https://uploads.github.com".to_owned();
    }
    match base.strip_suffix("/api/v3") {
        Some(host) if host.contains("://") && !host.ends_with("://") => {
            format!("{host}/api/uploads")
        }
        _ => base.to_owned(),
    }
}

/// The upload host's transport, built on first use.
pub(super) struct Uploads {
    /// [`upload_base`] of the API base.
    pub base: String,
    token: SecretString,
    http: OnceLock<Http>,
}

impl Uploads {
    /// Uploads beside the API at `api_base`, with `token`.
    pub fn new(api_base: &str, token: SecretString) -> Self {
        Self {
            base: upload_base(api_base),
            token,
            http: OnceLock::new(),
        }
    }

    /// The transport, its attempts given at least [`UPLOAD_TIME`] under `retry`.
    pub fn http(&self, retry: RetryPolicy) -> ForgeResult<&Http> {
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        let octocrab: Octocrab = client(&self.base, self.token.clone())?;
        Ok(self.http.get_or_init(|| Http {
            dialect: Github {
                octocrab,
                base: self.base.clone(),
            },
            retry: RetryPolicy {
                timeout: retry.timeout.max(UPLOAD_TIME),
                total: retry.total.max(UPLOAD_TIME),
                ..retry
            },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upload_host_is_derived_from_the_api_base() {
        for (api, uploads) in [
            ("https://api.github.com", "https://uploads.github.com"),
            ("https://api.github.com/", "https://uploads.github.com"),
            (
                "https://ghes.example/api/v3",
                "https://ghes.example/api/uploads",
            ),
            (
                "https://ghes.example:8443/api/v3/",
                "https://ghes.example:8443/api/uploads",
            ),
            ("http://127.0.0.1:4321", "http://127.0.0.1:4321"),
            ("http://127.0.0.1:4321/", "http://127.0.0.1:4321"),
            (
                "https://proxy.example/github",
                "https://proxy.example/github",
            ),
            ("/api/v3", "/api/v3"),
        ] {
            assert_eq!(upload_base(api), uploads, "{api}");
        }
    }

    #[tokio::test]
    async fn an_upload_attempt_gets_time_for_a_large_file() {
        let uploads = Uploads::new("https://api.github.com", SecretString::from("ghs_secret"));
        assert_eq!(uploads.base, "https://uploads.github.com");
        let retry = uploads.http(RetryPolicy::fast()).map(|h| h.retry).ok();
        assert_eq!(
            retry.map(|r| (r.timeout, r.total)),
            Some((UPLOAD_TIME, UPLOAD_TIME))
        );
        assert_eq!(
            retry.map(|r| r.attempts),
            Some(RetryPolicy::fast().attempts)
        );
    }
}
