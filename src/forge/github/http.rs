//! Requests to the GitHub API through octocrab's raw calls, under our retry policy: statuses,
//! `Retry-After` and `Link` headers are read here, which octocrab's typed calls do not expose.
use crate::forge::answer::{self, Answer, cut};
use octocrab::Octocrab;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::forge::{ForgeError, ForgeResult};
use crate::retry::{Attempt, CallKind, RetryPolicy, Verdict, classify, parse_retry_after};

/// The HTTP methods shipgate uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Post,
    Patch,
}

/// What a call is for, for its error messages.
#[derive(Debug, Clone, Copy)]
pub(super) struct Call<'a> {
    /// What we were doing, e.g. `listing the issues of o/r`.
    pub what: &'a str,
    /// The fine-grained permission the token needs, e.g. `issues: write`.
    pub needs: &'a str,
    /// Where that permission is granted.
    pub on: Grant,
    /// Whether a repeat is harmless.
    pub kind: CallKind,
}

/// Where a token's permission is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grant {
    /// On the repository (with `metadata: read`, which every repository call needs).
    Repository,
    /// On the organization; `needs` then says it all.
    Organization,
}

/// octocrab, the API base and the retry policy.
pub(super) struct Http {
    pub octocrab: Octocrab,
    /// `https://api.github.com` (or a GHES `https://host/api/v3`), no trailing slash.
    pub base: String,
    pub retry: RetryPolicy,
}

impl Http {
    /// One request (retried per the policy); `path` is relative to the API base.
    pub async fn send<B: Serialize + Sync>(
        &self,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> ForgeResult<Answer> {
        // A relative URI: octocrab adds the base, and the token only for relative URIs.
        let path = self.relative(path)?;
        self.retry
            .run(call.what, call.kind, || {
                self.attempt(call, method, &path, body)
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

    /// Every page of an answer that wraps its list in an object (as check runs do), following
    /// `Link: rel="next"`.
    pub async fn pages<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
        path: &str,
    ) -> ForgeResult<Vec<T>> {
        let mut pages = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(page) = next {
            let answer = self.send(call, Method::Get, &page, None::<&()>).await?;
            pages.push(parse::<T>(call, &answer.body)?);
            next = answer.next;
        }
        Ok(pages)
    }

    /// Every page of a list, following `Link: rel="next"`.
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

    async fn attempt<B: Serialize + Sync>(
        &self,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Attempt<Answer> {
        let sent = match method {
            Method::Get => self.octocrab._get(path).await,
            Method::Post => self.octocrab._post(path, body).await,
            Method::Patch => self.octocrab._patch(path, body).await,
        };
        let response = match sent {
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
        let link = header("link");
        let text = match self.octocrab.body_to_string(response).await {
            Ok(text) => text,
            Err(error) => return lost(call, &format!("{status} with an unreadable body: {error}")),
        };
        match classify(status, retry_after.as_deref(), &text, call.kind) {
            Verdict::Success => {
                let next = match link.as_deref().and_then(next_link) {
                    Some(url) => match self.relative(&url) {
                        Ok(next) => Some(next),
                        Err(error) => return Attempt::Fail(error),
                    },
                    None => None,
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

    /// A path and query relative to the API host; an absolute URL must be on the API base
    /// (the token is never sent elsewhere).
    fn relative(&self, url: &str) -> ForgeResult<String> {
        if url.starts_with('/') {
            return Ok(url.to_owned());
        }
        let host_end = |u: &str| {
            u.find("://")
                .map(|s| u[s + 3..].find('/').map_or(u.len(), |p| s + 3 + p))
        };
        match (host_end(url), host_end(&self.base)) {
            (Some(at), Some(base_at)) if url[..at] == self.base[..base_at] => {
                Ok(url[at..].to_owned())
            }
            _ => Err(ForgeError::Unexpected {
                retry_after: None,
                what: format!("following a link to {url}"),
                status: 0,
                body: format!("the link leaves the API at {}", self.base),
            }),
        }
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

/// The error for a definite failure: 401/403 and 404 name what the token needs.
pub(super) fn refused(call: Call<'_>, status: u16, body: &str) -> ForgeError {
    let said = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| cut(body));
    let needs = match call.on {
        Grant::Repository => format!(
            "it needs `{}` (and `metadata: read`) on the repository; GitHub said: {said}",
            call.needs
        ),
        Grant::Organization => format!("it needs {}; GitHub said: {said}", call.needs),
    };
    match status {
        401 => ForgeError::Unauthorized {
            what: call.what.to_owned(),
            status,
            needs: format!("check that the token is valid and unexpired; {needs}"),
        },
        403 => ForgeError::Unauthorized {
            what: call.what.to_owned(),
            status,
            needs,
        },
        404 => ForgeError::NotFound {
            what: call.what.to_owned(),
            needs: match call.on {
                Grant::Repository => format!("`{}`, `metadata: read`", call.needs),
                Grant::Organization => call.needs.to_owned(),
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
pub(super) fn next_link(header: &str) -> Option<String> {
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
    fn link_headers() {
        let h = r#"<https://api.github.com/repositories/1/issues?page=3>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=3")
        );
        assert_eq!(next_link(r#"<https://x/a?page=1>; rel="prev""#), None);
        assert_eq!(next_link(""), None);
    }

    #[test]
    fn encoding() {
        assert_eq!(encode("prod env/1"), "prod%20env%2F1");
        assert_eq!(encode("github-actions[bot]"), "github-actions%5Bbot%5D");
        assert_eq!(encode("deploy.yml"), "deploy.yml");
    }
}
