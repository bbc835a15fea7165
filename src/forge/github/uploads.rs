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

/// The slowest upload expected, in bytes per second: each attempt, and the whole call, get the
/// time sending the body takes at this rate on top of the policy's.
const SLOWEST_UPLOAD: u64 = 512 * 1024;

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

/// The upload host and its client, built on first use.
pub(super) struct Uploads {
    /// [`upload_base`] of the API base.
    pub base: String,
    token: SecretString,
    client: OnceLock<Octocrab>,
}

impl Uploads {
    /// Uploads beside the API at `api_base`, with `token`.
    pub fn new(api_base: &str, token: SecretString) -> Self {
        Self {
            base: upload_base(api_base),
            token,
            client: OnceLock::new(),
        }
    }

    /// A transport for an upload of `size` bytes under `retry`, given the time the body takes
    /// at [`SLOWEST_UPLOAD`] on top of the policy's per attempt and in all.
    pub fn http(&self, retry: RetryPolicy, size: usize) -> ForgeResult<Http> {
        let octocrab = match self.client.get() {
            Some(octocrab) => octocrab.clone(),
            None => {
                let built = client(&self.base, self.token.clone())?;
                self.client.get_or_init(|| built).clone()
            }
        };
        let sending = Duration::from_secs(u64::try_from(size).unwrap_or(u64::MAX) / SLOWEST_UPLOAD);
        Ok(Http {
            dialect: Github {
                octocrab,
                base: self.base.clone(),
            },
            retry: RetryPolicy {
                timeout: retry.timeout.saturating_add(sending),
                total: retry.total.saturating_add(sending),
                ..retry
            },
        })
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
    async fn an_upload_gets_the_time_its_size_takes_on_top_of_the_policy() {
        let uploads = Uploads::new("https://api.github.com", SecretString::from("ghs_secret"));
        assert_eq!(uploads.base, "https://uploads.github.com");
        let fast = RetryPolicy::fast();
        let small = uploads.http(fast, 1000).map(|h| h.retry).ok();
        assert_eq!(small, Some(fast));
        let large = uploads.http(fast, 100 * 1024 * 1024).map(|h| h.retry).ok();
        let extra = Duration::from_secs(200);
        assert_eq!(
            large.map(|r| (r.timeout, r.total, r.attempts)),
            Some((fast.timeout + extra, fast.total + extra, fast.attempts))
        );
    }
}
