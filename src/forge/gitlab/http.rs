//! GitLab's side of the transport: the gitlab crate's [`AsyncClient::rest_async`], which adds
//! the token and the `/api/v4/` base and hands back the whole response (status, `Retry-After`,
//! `X-Next-Page`, `Link`) that its typed endpoints and `api::raw` hide; and GitLab's wording of
//! what a token needs and of what a 404 names.
use ::gitlab::api::{AsyncClient, RestClient};
use ::gitlab::{AsyncGitlab, GitlabBuilder};
use ::http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use tokio::sync::OnceCell;

use crate::forge::transport::{
    self, Call, Dialect, Method, Next, Payload, Response, Scope, Transport, Unsent, cut, lost,
    with_page,
};
use crate::forge::{ForgeError, ForgeResult};
use crate::retry::{Attempt, CallKind, RetryPolicy, Verdict, classify};

/// The transport GitLab's calls go through.
pub(super) type Http = Transport<Gitlab>;

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

/// The gitlab crate's client (built on first use) and the API address.
pub(super) struct Gitlab {
    pub endpoint: Endpoint,
    /// `CI_API_V4_URL` as given, without a trailing slash (for messages).
    pub base: String,
    pub token: SecretString,
    pub client: OnceCell<AsyncGitlab>,
}

impl Gitlab {
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
            Err(::gitlab::GitlabError::Api { source }) => self.api_failure(call, &source),
            Err(::gitlab::GitlabError::Communication { source }) => lost(call, &source.to_string()),
            Err(error) => Attempt::Fail(ForgeError::Setup(format!(
                "cannot use the GitLab API at `{}`: {error}",
                self.base
            ))),
        }
    }

    /// A failure the crate reported while building the client (its `GET /user` check).
    fn api_failure<T>(
        &self,
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
            _ => Attempt::Fail(transport::refused(self, call, status, &body)),
        }
    }
}

impl Dialect for Gitlab {
    type Client = AsyncGitlab;

    fn base(&self) -> &str {
        &self.base
    }

    /// Building the client asks `GET /api/v4/user` (the crate checks the token), retried like
    /// a read.
    async fn connect(&self, retry: &RetryPolicy) -> ForgeResult<&AsyncGitlab> {
        self.client
            .get_or_try_init(|| async {
                let what = format!("connecting to GitLab at {}", self.base);
                let call = Call {
                    what: &what,
                    needs: "any",
                    on: Scope::Project,
                    kind: CallKind::Idempotent,
                };
                retry
                    .run(&what, CallKind::Idempotent, || self.build(call))
                    .await
            })
            .await
    }

    async fn exchange<B: Serialize + Sync>(
        &self,
        client: &AsyncGitlab,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Payload<'_, B>,
    ) -> Result<Response, Unsent> {
        let (media_type, data) = match body {
            Payload::Json(Some(body)) => {
                let data = serde_json::to_vec(body).map_err(|e| {
                    Unsent::Fail(ForgeError::Unexpected {
                        retry_after: None,
                        what: call.what.to_owned(),
                        status: 0,
                        body: format!("cannot encode the request: {e}"),
                    })
                })?;
                ("application/json", data)
            }
            Payload::Json(None) => ("application/json", Vec::new()),
            Payload::Raw { media_type, bytes } => (media_type, bytes.to_vec()),
        };
        let url = client
            .rest_endpoint(path)
            .map_err(|error| Unsent::Fail(setup(call, &error.to_string())))?;
        let mut request = ::http::Request::builder()
            .method(method.as_http())
            .uri(url.as_str());
        if method != Method::Get {
            request = request.header(::http::header::CONTENT_TYPE, media_type);
        }
        let response = client
            .rest_async(request, data)
            .await
            .map_err(|error| Unsent::Lost(error.to_string()))?;
        Ok(Response {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: String::from_utf8_lossy(response.body()).into_owned(),
        })
    }

    /// A URL under the crate's `/api/v4/` root, as a path below it.
    fn on_api(&self, client: &AsyncGitlab, url: &str) -> Option<String> {
        let root = client.rest_endpoint("").ok()?;
        url.strip_prefix(root.as_str()).map(str::to_owned)
    }

    /// `X-Next-Page` (a page number), else `Link`.
    fn next(&self, path: &str, headers: &HeaderMap) -> Option<Next> {
        let page = headers
            .get("x-next-page")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|p| !p.is_empty());
        match page {
            Some(page) => Some(Next::Path(with_page(path, page))),
            None => transport::link_next(headers),
        }
    }

    fn said(&self, body: &str) -> String {
        message(body)
    }

    fn token_check(&self) -> &'static str {
        "check that the token (GITLAB_TOKEN: a personal, project or group access token) is valid and unexpired"
    }

    fn token_needs(&self, call: Call<'_>, said: &str) -> String {
        let on = match call.on {
            Scope::Project => "project",
            Scope::Group => "group",
        };
        format!(
            "it needs the `api` scope and the {} role (or higher) on the {on}; GitLab said: {said}",
            call.needs
        )
    }

    fn not_found_needs(&self, call: Call<'_>, said: &str) -> String {
        match call.on {
            Scope::Project => format!(
                "the `api` scope and the {} role; GitLab said: {said}",
                call.needs
            ),
            Scope::Group => format!(
                "the `api` scope and the {} role on the group; GitLab said: {said}",
                call.needs
            ),
        }
    }

    fn missing(&self, said: &str) -> Option<String> {
        missing(said)
    }
}

fn setup(call: Call<'_>, error: &str) -> ForgeError {
    ForgeError::Setup(format!("{}: {error}", call.what))
}

/// GitLab's `{"message": …}` (a string, or an object of field errors), else the body.
fn message(body: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").or_else(|| v.get("error")).cloned())
    {
        Some(serde_json::Value::String(s)) => s,
        Some(other) => other.to_string(),
        None => cut(body),
    }
}

/// What a 404 message names: Grape's `not_found!(resource)` says `404 {resource} Not Found`
/// (`404 Tag Not Found`, `404 Project Not Found`); a record looked up by id says `404 Not found`
/// and names nothing.
fn missing(said: &str) -> Option<String> {
    let resource = said
        .strip_prefix("404 ")?
        .strip_suffix(" Not Found")?
        .trim();
    (!resource.is_empty()).then(|| resource.to_owned())
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
    fn messages() {
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
    }

    #[test]
    fn the_next_page_is_x_next_page_else_link() {
        let gl = Gitlab {
            endpoint: Endpoint::parse("http://127.0.0.1:1/api/v4").unwrap(),
            base: "http://127.0.0.1:1/api/v4".to_owned(),
            token: SecretString::from("t"),
            client: OnceCell::new(),
        };
        let link = r#"<http://127.0.0.1:1/api/v4/x?page=9>; rel="next""#;
        let mut headers = HeaderMap::new();
        headers.insert("link", link.parse().unwrap());
        headers.insert("x-next-page", "2".parse().unwrap());
        let next = gl.next("x?per_page=5&page=1", &headers);
        assert!(matches!(next, Some(Next::Path(p)) if p == "x?per_page=5&page=2"));
        headers.insert("x-next-page", " ".parse().unwrap());
        let next = gl.next("x?page=1", &headers);
        assert!(matches!(next, Some(Next::Url(u)) if u.ends_with("x?page=9")));
        headers.remove("link");
        assert!(gl.next("x?page=1", &headers).is_none());
    }

    #[test]
    fn a_404_names_what_is_missing() {
        assert_eq!(missing("404 Tag Not Found").as_deref(), Some("Tag"));
        assert_eq!(missing("404 Project Not Found").as_deref(), Some("Project"));
        assert_eq!(
            missing("404 Award Emoji Name has already been taken Not Found").as_deref(),
            Some("Award Emoji Name has already been taken")
        );
        assert_eq!(missing("404 Not found"), None);
        assert_eq!(missing("404 Not Found"), None);
        assert_eq!(missing("Not Found"), None);
    }
}
