//! GitHub's side of the transport: octocrab's raw requests (its typed calls hide statuses and
//! `Retry-After` and `Link` headers), the host links may point at, and what a token needs.
use octocrab::Octocrab;
use serde::Serialize;

use crate::forge::transport::{
    Call, Dialect, Method, Payload, Response, Scope, Transport, Unsent, cut,
};
use crate::forge::{ForgeError, ForgeResult};
use crate::retry::RetryPolicy;

/// The transport GitHub's calls go through.
pub(super) type Http = Transport<Github>;

/// octocrab and the API base.
pub(super) struct Github {
    pub octocrab: Octocrab,
    /// `https://api.github.com` (or a GHES `https://host/api/v3`), no trailing slash.
    pub base: String,
}

impl Dialect for Github {
    type Client = Octocrab;

    fn base(&self) -> &str {
        &self.base
    }

    async fn connect(&self, _: &RetryPolicy) -> ForgeResult<&Octocrab> {
        Ok(&self.octocrab)
    }

    /// octocrab adds the base, and the token, only to a relative URI.
    async fn exchange<B: Serialize + Sync>(
        &self,
        octocrab: &Octocrab,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Payload<'_, B>,
    ) -> Result<Response, Unsent> {
        let sent = match (method, body) {
            (_, Payload::Raw { media_type, bytes }) => {
                let request = ::http::Request::builder()
                    .method(method.as_http())
                    .uri(path)
                    .header(::http::header::CONTENT_TYPE, media_type)
                    .header(::http::header::CONTENT_LENGTH, bytes.len())
                    .body(bytes.to_vec())
                    .map_err(|error| {
                        Unsent::Fail(ForgeError::Unexpected {
                            retry_after: None,
                            what: call.what.to_owned(),
                            status: 0,
                            body: format!("cannot make the request: {error}"),
                        })
                    })?;
                octocrab.execute(request).await
            }
            (Method::Get, Payload::Json(_)) => octocrab._get(path).await,
            (Method::Post, Payload::Json(body)) => octocrab._post(path, body).await,
            (Method::Put, Payload::Json(body)) => octocrab._put(path, body).await,
            (Method::Patch, Payload::Json(body)) => octocrab._patch(path, body).await,
            (Method::Delete, Payload::Json(body)) => octocrab._delete(path, body).await,
        };
        let response = sent.map_err(|error| Unsent::Lost(error.to_string()))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        match octocrab.body_to_string(response).await {
            Ok(body) => Ok(Response {
                status,
                headers,
                body,
            }),
            Err(error) => Err(Unsent::Lost(format!(
                "{status} with an unreadable body: {error}"
            ))),
        }
    }

    /// The path and query of a URL on the API host.
    fn on_api(&self, _: &Octocrab, url: &str) -> Option<String> {
        let host_end = |u: &str| {
            u.find("://")
                .map(|s| u[s + 3..].find('/').map_or(u.len(), |p| s + 3 + p))
        };
        match (host_end(url), host_end(&self.base)) {
            (Some(at), Some(base_at)) if url[..at] == self.base[..base_at] => {
                Some(url[at..].to_owned())
            }
            _ => None,
        }
    }

    /// GitHub's `{"message": …}`, else the body.
    fn said(&self, body: &str) -> String {
        serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| cut(body))
    }

    fn token_check(&self) -> &'static str {
        "check that the token is valid and unexpired"
    }

    fn token_needs(&self, call: Call<'_>, said: &str) -> String {
        match call.on {
            Scope::Project => format!(
                "it needs `{}` (and `metadata: read`) on the repository; GitHub said: {said}",
                call.needs
            ),
            Scope::Group => format!("it needs {}; GitHub said: {said}", call.needs),
        }
    }

    fn not_found_needs(&self, call: Call<'_>, _: &str) -> String {
        match call.on {
            Scope::Project => format!("`{}`, `metadata: read`", call.needs),
            Scope::Group => call.needs.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forge::ForgeError;
    use crate::retry::CallKind;

    fn github(base: &str) -> Github {
        Github {
            octocrab: Octocrab::default(),
            base: base.to_owned(),
        }
    }

    #[tokio::test]
    async fn links_stay_on_the_api_host() {
        let gh = github("https://ghes.example/api/v3");
        let o = Octocrab::default();
        assert_eq!(
            gh.on_api(
                &o,
                "https://ghes.example/api/v3/repositories/1/issues?page=2"
            )
            .as_deref(),
            Some("/api/v3/repositories/1/issues?page=2")
        );
        assert_eq!(gh.on_api(&o, "https://ghes.example.evil/api/v3/x"), None);
        assert_eq!(gh.on_api(&o, "http://ghes.example/api/v3/x"), None);
    }

    #[tokio::test]
    async fn refusals_name_what_the_token_needs() {
        let gh = github("https://api.github.com");
        let call = Call {
            what: "reading",
            needs: "issues: read",
            on: Scope::Project,
            kind: CallKind::Idempotent,
        };
        let err = crate::forge::transport::refused(&gh, call, 404, r#"{"message":"Not Found"}"#);
        assert!(
            matches!(err, ForgeError::NotFound { resource: None, .. }),
            "{err}"
        );
        let err = crate::forge::transport::refused(&gh, call, 403, r#"{"message":"nope"}"#);
        assert!(err.to_string().contains("GitHub said: nope"), "{err}");
    }
}
