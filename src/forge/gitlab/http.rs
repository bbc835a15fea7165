//! Requests to the GitLab REST API through the gitlab crate's [`AsyncClient::rest_async`], under
//! our retry policy. The crate adds the token and the `/api/v4/` base; we see the whole response
//! (status, `Retry-After`, `X-Next-Page`, `Link`), which its typed endpoints and `api::raw` hide.
use crate::forge::answer::{self, Answer, cut};
use ::gitlab::api::{AsyncClient, RestClient};
use ::gitlab::{AsyncGitlab, GitlabBuilder};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;

use crate::forge::{ForgeError, ForgeResult};
use crate::retry::{Attempt, CallKind, RetryPolicy, Verdict, classify, parse_retry_after};

/// The HTTP methods shipgate uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Post,
    Put,
}

/// What a call is for, for its error messages.
#[derive(Debug, Clone, Copy)]
pub(super) struct Call<'a> {
    /// What we were doing, e.g. `listing the issues of acme/shop`.
    pub what: &'a str,
    /// The role the token's user needs, e.g. `Reporter`.
    pub role: &'a str,
    /// Where it needs that role.
    pub on: Scope,
    /// Whether a repeat is harmless.
    pub kind: CallKind,
}

/// Where a role is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// The project (directly, or through its groups).
    Project,
    /// A group.
    Group,
}

/// Where the API is: `CI_API_V4_URL` split the way the gitlab crate wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Endpoint {
    /// Host with port and any relative URL root, e.g. `gitlab.example:8443/gitlab`.
    pub host: String,
    /// Plain `http` (tests, a local instance): the crate's `insecure()`.
    pub insecure: bool,
}

impl Endpoint {
    /// Splits `https://host[:port][/root]/api/v4` into host and scheme.
    pub fn parse(api_url: &str) -> ForgeResult<Self> {
        let bad = |why: &str| {
            ForgeError::Setup(format!(
                "`{api_url}` is not a GitLab API URL ({why}): give CI_API_V4_URL, e.g. https://gitlab.example/api/v4"
            ))
        };
        let trimmed = api_url.trim().trim_end_matches('/');
        let (insecure, rest) = if let Some(rest) = trimmed.strip_prefix("https://") {
            (false, rest)
        } else if let Some(rest) = trimmed.strip_prefix("http://") {
            (true, rest)
        } else {
            return Err(bad("it must start with https:// or http://"));
        };
        let host = rest
            .strip_suffix("/api/v4")
            .ok_or_else(|| bad("it must end with /api/v4"))?;
        if host.is_empty() || host.starts_with('/') || host.contains(['?', '#', '@']) {
            return Err(bad("no host"));
        }
        Ok(Self {
            host: host.to_owned(),
            insecure,
        })
    }
}

/// The gitlab crate's client (built on first use), the API address and the retry policy.
pub(super) struct Http {
    pub endpoint: Endpoint,
    /// `CI_API_V4_URL` as given, without a trailing slash (for messages).
    pub base: String,
    pub token: SecretString,
    pub retry: RetryPolicy,
    pub client: OnceCell<AsyncGitlab>,
}

impl Http {
    /// The client; building it asks `GET /api/v4/user` (the crate checks the token), retried
    /// like a read.
    async fn client(&self) -> ForgeResult<&AsyncGitlab> {
        self.client
            .get_or_try_init(|| async {
                let what = format!("connecting to GitLab at {}", self.base);
                let call = Call {
                    what: &what,
                    role: "any",
                    on: Scope::Project,
                    kind: CallKind::Idempotent,
                };
                self.retry
                    .run(&what, CallKind::Idempotent, || self.build(call))
                    .await
            })
            .await
    }

    async fn build(&self, call: Call<'_>) -> Attempt<AsyncGitlab> {
        let mut builder = GitlabBuilder::new(
            self.endpoint.host.as_str(),
            self.token.expose_secret().to_owned(),
        );
        if self.endpoint.insecure {
            builder.insecure();
        }
        builder.user_agent(concat!("shipgate/", env!("CARGO_PKG_VERSION")));
        match builder.build_async().await {
            Ok(client) => Attempt::Done(client),
            Err(::gitlab::GitlabError::Api { source }) => api_failure(call, &source),
            Err(::gitlab::GitlabError::Communication { source }) => lost(call, &source.to_string()),
            Err(error) => Attempt::Fail(ForgeError::Setup(format!(
                "cannot use the GitLab API at `{}`: {error}",
                self.base
            ))),
        }
    }

    /// One request (retried per the policy); `path` is relative to `/api/v4/`.
    pub async fn send<B: Serialize + Sync>(
        &self,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> ForgeResult<Answer> {
        let client = self.client().await?;
        let data = match body {
            Some(body) => serde_json::to_vec(body).map_err(|e| ForgeError::Unexpected {
                retry_after: None,
                what: call.what.to_owned(),
                status: 0,
                body: format!("cannot encode the request: {e}"),
            })?,
            None => Vec::new(),
        };
        self.retry
            .run(call.what, call.kind, || {
                self.attempt(client, call, method, path, data.clone())
            })
            .await
    }

    /// `send`, then the body as JSON.
    pub async fn json<T: DeserializeOwned, B: Serialize + Sync>(
        &self,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> ForgeResult<T> {
        let answer = self.send(call, method, path, body).await?;
        parse(call, &answer.body)
    }

    /// Every page of a list (`path` carries a query), following `X-Next-Page`, else `Link`.
    pub async fn all<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
        path: &str,
    ) -> ForgeResult<Vec<T>> {
        let mut items = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(page) = next {
            let answer = self.send(call, Method::Get, &page, None::<&()>).await?;
            items.extend(parse::<Vec<T>>(call, &answer.body)?);
            next = answer.next;
        }
        Ok(items)
    }

    async fn attempt(
        &self,
        client: &AsyncGitlab,
        call: Call<'_>,
        method: Method,
        path: &str,
        data: Vec<u8>,
    ) -> Attempt<Answer> {
        let url = match client.rest_endpoint(path) {
            Ok(url) => url,
            Err(error) => return Attempt::Fail(setup(call, &error.to_string())),
        };
        let mut request = ::http::Request::builder()
            .method(match method {
                Method::Get => ::http::Method::GET,
                Method::Post => ::http::Method::POST,
                Method::Put => ::http::Method::PUT,
            })
            .uri(url.as_str());
        if method != Method::Get {
            request = request.header(::http::header::CONTENT_TYPE, "application/json");
        }
        let response = match client.rest_async(request, data).await {
            Ok(response) => response,
            Err(error) => return lost(call, &error.to_string()),
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header("retry-after");
        let next_page = header("x-next-page").filter(|p| !p.trim().is_empty());
        let link = header("link");
        let text = String::from_utf8_lossy(response.body()).into_owned();
        match classify(status, retry_after.as_deref(), &text, call.kind) {
            Verdict::Success => {
                let next = match (next_page, link.as_deref().and_then(next_link)) {
                    (Some(page), _) => Some(with_page(path, page.trim())),
                    (None, Some(url)) => match self.relative(client, &url) {
                        Ok(next) => Some(next),
                        Err(error) => return Attempt::Fail(error),
                    },
                    (None, None) => None,
                };
                Attempt::Done(Answer {
                    status,
                    body: text,
                    next,
                })
            }
            Verdict::Retry { after } => Attempt::Retry {
                last: format!("{status}: {}", cut(&text)),
                after,
            },
            Verdict::Fail => Attempt::Fail(
                refused(call, status, &text)
                    .with_retry_after(parse_retry_after(retry_after.as_deref())),
            ),
        }
    }

    /// A `Link` target as a path relative to `/api/v4/`; it must stay on the API (the token is
    /// never sent elsewhere).
    fn relative(&self, client: &AsyncGitlab, url: &str) -> ForgeResult<String> {
        let leaves = || ForgeError::Unexpected {
            retry_after: None,
            what: format!("following a link to {url}"),
            status: 0,
            body: format!("the link leaves the API at {}", self.base),
        };
        let root = client.rest_endpoint("").map_err(|_| leaves())?;
        url.strip_prefix(root.as_str())
            .map(str::to_owned)
            .ok_or_else(leaves)
    }
}

/// `path` asking for `page` (any `page=` it had replaced).
fn with_page(path: &str, page: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("page="))
        .collect();
    let page = format!("page={}", encode(page));
    params.push(&page);
    format!("{base}?{}", params.join("&"))
}

fn setup(call: Call<'_>, error: &str) -> ForgeError {
    ForgeError::Setup(format!("{}: {error}", call.what))
}

/// A failure the crate reported while building the client (its `GET /user` check).
fn api_failure<T>(
    call: Call<'_>,
    error: &::gitlab::api::ApiError<::gitlab::RestError>,
) -> Attempt<T> {
    use ::gitlab::api::ApiError as E;
    let (status, body) = match error {
        E::GitlabService { status, data } => {
            (status.as_u16(), String::from_utf8_lossy(data).into_owned())
        }
        E::GitlabWithStatus { status, msg } => (
            status.as_u16(),
            serde_json::json!({ "message": msg }).to_string(),
        ),
        E::GitlabObjectWithStatus { status, obj }
        | E::GitlabUnrecognizedWithStatus { status, obj } => (status.as_u16(), obj.to_string()),
        E::GitlabRateLimited { .. } => {
            return Attempt::Retry {
                last: error.to_string(),
                after: None,
            };
        }
        E::Client { source } => return lost(call, &source.to_string()),
        other => return Attempt::Fail(setup(call, &other.to_string())),
    };
    match classify(status, None, &body, call.kind) {
        Verdict::Retry { after } => Attempt::Retry {
            last: format!("{status}: {}", cut(&body)),
            after,
        },
        _ => Attempt::Fail(refused(call, status, &body)),
    }
}

/// No answer (or a broken one): retried only if the call is idempotent.
fn lost<T>(call: Call<'_>, error: &str) -> Attempt<T> {
    match call.kind {
        CallKind::Idempotent => Attempt::Retry {
            last: error.to_owned(),
            after: None,
        },
        CallKind::Create => Attempt::Fail(ForgeError::Unavailable {
            what: call.what.to_owned(),
            attempts: 1,
            last: format!(
                "{error}; the object may have been created: look it up before creating it again"
            ),
        }),
    }
}

/// Whether `error` is a 404 whose message is exactly `said` (e.g. `404 Tag Not Found`, told
/// apart from `404 Project Not Found`).
pub(super) fn not_found_saying(error: &ForgeError, said: &str) -> bool {
    matches!(error, ForgeError::NotFound { needs, .. }
        if needs.ends_with(&format!("GitLab said: {said}")))
}

/// GitLab's `{"message": …}` (a string, or an object of field errors), else the body.
pub(super) fn message(body: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").or_else(|| v.get("error")).cloned())
    {
        Some(serde_json::Value::String(s)) => s,
        Some(other) => other.to_string(),
        None => cut(body),
    }
}

/// The error for a definite failure: 401/403 and 404 name what the token needs.
pub(super) fn refused(call: Call<'_>, status: u16, body: &str) -> ForgeError {
    let said = message(body);
    let on = match call.on {
        Scope::Project => "project",
        Scope::Group => "group",
    };
    let needs = format!(
        "it needs the `api` scope and the {} role (or higher) on the {on}; GitLab said: {said}",
        call.role
    );
    match status {
        401 => ForgeError::Unauthorized {
            what: call.what.to_owned(),
            status,
            needs: format!(
                "check that the token (GITLAB_TOKEN: a personal, project or group access token) is valid and unexpired; {needs}"
            ),
        },
        403 => ForgeError::Unauthorized {
            what: call.what.to_owned(),
            status,
            needs,
        },
        404 => ForgeError::NotFound {
            what: call.what.to_owned(),
            needs: match call.on {
                Scope::Project => format!(
                    "the `api` scope and the {} role; GitLab said: {said}",
                    call.role
                ),
                Scope::Group => format!(
                    "the `api` scope and the {} role on the group; GitLab said: {said}",
                    call.role
                ),
            },
        },
        _ => ForgeError::Unexpected {
            retry_after: None,
            what: call.what.to_owned(),
            status,
            body: cut(body),
        },
    }
}

fn parse<T: DeserializeOwned>(call: Call<'_>, body: &str) -> ForgeResult<T> {
    answer::parse(call.what, body)
}

/// The `rel="next"` target of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_owned())
    })
}

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters kept).
pub(super) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_split_into_host_and_scheme() {
        let e = Endpoint::parse("https://gitlab.example/api/v4/").unwrap();
        assert_eq!((e.host.as_str(), e.insecure), ("gitlab.example", false));
        let e = Endpoint::parse("http://127.0.0.1:8080/gitlab/api/v4").unwrap();
        assert_eq!(
            (e.host.as_str(), e.insecure),
            ("127.0.0.1:8080/gitlab", true)
        );
        for bad in [
            "gitlab.example/api/v4",
            "https://gitlab.example",
            "https:///api/v4",
            "ftp://x/api/v4",
        ] {
            assert!(
                matches!(Endpoint::parse(bad), Err(ForgeError::Setup(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn pages_and_links() {
        assert_eq!(
            with_page("projects/1/issues?state=opened&per_page=100", "2"),
            "projects/1/issues?state=opened&per_page=100&page=2"
        );
        assert_eq!(with_page("x?page=2&a=b", "3"), "x?a=b&page=3");
        let h = r#"<https://gl.example/api/v4/projects/1/issues?page=2>; rel="next", <https://gl.example/api/v4/projects/1/issues?page=5>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://gl.example/api/v4/projects/1/issues?page=2")
        );
        assert_eq!(next_link(r#"<https://x/a?page=1>; rel="prev""#), None);
    }

    #[test]
    fn messages_and_encoding() {
        assert_eq!(
            message(r#"{"message":"401 Unauthorized"}"#),
            "401 Unauthorized"
        );
        assert_eq!(
            message(r#"{"message":{"ref":["is missing"]}}"#),
            r#"{"ref":["is missing"]}"#
        );
        assert_eq!(
            message(r#"{"error":"insufficient_scope"}"#),
            "insufficient_scope"
        );
        assert_eq!(message("oops"), "oops");
        assert_eq!(encode("acme/shop"), "acme%2Fshop");
    }
}
