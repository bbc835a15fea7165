//! The one HTTP transport of both forges: a call, its retries, paging and the error for a
//! refusal, above a small [`Dialect`] that holds what differs (the vendor crate's client, the
//! next-page header, the wording of what a token needs and what a 404 named).
//!
//! Each forge sends through its vendor crate's client, which adds the token: an absolute URL
//! (a `Link` to the next page) is followed only when the dialect finds it on the API, so the
//! token is never sent elsewhere.
mod answer;
mod dialect;
mod links;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) use self::answer::{Answer, cut, parse};
pub(crate) use self::dialect::{Dialect, Next, Response, Unsent};
pub(crate) use self::links::{encode, link_next, with_page};
use super::{ForgeError, ForgeResult};
use crate::retry::{Attempt, CallKind, RetryPolicy, Verdict, classify, parse_retry_after};

/// The HTTP methods shipgate uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method as the `http` crate names it.
    pub fn as_http(self) -> ::http::Method {
        match self {
            Self::Get => ::http::Method::GET,
            Self::Post => ::http::Method::POST,
            Self::Put => ::http::Method::PUT,
            Self::Patch => ::http::Method::PATCH,
            Self::Delete => ::http::Method::DELETE,
        }
    }
}

/// What a request carries.
pub(crate) enum Payload<'a, B> {
    /// Nothing, or a JSON document.
    Json(Option<&'a B>),
    /// Bytes as they are, of a media type (an upload); never read as JSON.
    Raw {
        /// The `Content-Type`, e.g. `application/octet-stream`.
        media_type: &'a str,
        /// The body.
        bytes: &'a [u8],
    },
}

impl<B> Clone for Payload<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B> Copy for Payload<'_, B> {}

/// What a call is for, for its error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'a> {
    /// What we were doing, e.g. `listing the issues of o/r`.
    pub what: &'a str,
    /// What the token needs: a GitHub permission (`issues: write`) or a GitLab role (`Reporter`).
    pub needs: &'a str,
    /// Where the token needs it.
    pub on: Scope,
    /// Whether a repeat is harmless.
    pub kind: CallKind,
}

/// Where a token's permission or role is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The GitHub repository or GitLab project.
    Project,
    /// The GitHub organization or GitLab group.
    Group,
}

/// A forge's dialect, its API base and the retry policy.
pub(crate) struct Transport<D> {
    pub dialect: D,
    pub retry: RetryPolicy,
}

impl<D: Dialect> Transport<D> {
    /// The API base, for messages.
    pub fn base(&self) -> &str {
        self.dialect.base()
    }

    /// One request (retried per the policy); `path` is relative to the API base, or an
    /// absolute URL on it.
    pub async fn send<B: Serialize + Sync>(
        &self,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> ForgeResult<Answer> {
        self.dispatch(call, method, path, Payload::Json(body)).await
    }

    /// One request carrying `bytes` as they are, of `media_type` (an upload), retried per the
    /// policy; `path` as for [`Transport::send`].
    pub async fn send_raw(
        &self,
        call: Call<'_>,
        method: Method,
        path: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> ForgeResult<Answer> {
        let payload: Payload<'_, ()> = Payload::Raw { media_type, bytes };
        self.dispatch(call, method, path, payload).await
    }

    async fn dispatch<B: Serialize + Sync>(
        &self,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Payload<'_, B>,
    ) -> ForgeResult<Answer> {
        let client = self.dialect.connect(&self.retry).await?;
        let path = self.on_api(client, path)?;
        self.retry
            .run(call.what, call.kind, || {
                self.attempt(client, call, method, &path, body)
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
        parse(call.what, &answer.body)
    }

    /// Every page of an answer, each read as `T` (as check runs, which wrap their list in an
    /// object), following the dialect's next page.
    pub async fn pages<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
        path: &str,
    ) -> ForgeResult<Vec<T>> {
        let mut pages = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(page) = next {
            let answer = self.send(call, Method::Get, &page, None::<&()>).await?;
            pages.push(parse::<T>(call.what, &answer.body)?);
            next = answer.next;
        }
        Ok(pages)
    }

    /// Every item of a list, over all its pages.
    pub async fn all<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
        path: &str,
    ) -> ForgeResult<Vec<T>> {
        let pages: Vec<Vec<T>> = self.pages(call, path).await?;
        Ok(pages.into_iter().flatten().collect())
    }

    async fn attempt<B: Serialize + Sync>(
        &self,
        client: &D::Client,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Payload<'_, B>,
    ) -> Attempt<Answer> {
        let Response {
            status,
            headers,
            body: text,
        } = match self
            .dialect
            .exchange(client, call, method, path, body)
            .await
        {
            Ok(response) => response,
            Err(Unsent::Lost(error)) => return lost(call, &error),
            Err(Unsent::Fail(error)) => return Attempt::Fail(error),
        };
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let retry_after = header("retry-after");
        match classify(status, retry_after, &text, call.kind) {
            Verdict::Success => {
                let next = match self.dialect.next(path, &headers) {
                    Some(Next::Path(path)) => Some(path),
                    Some(Next::Url(url)) => match self.on_api(client, &url) {
                        Ok(path) => Some(path),
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
                self.refused(call, status, &text)
                    .with_retry_after(parse_retry_after(retry_after)),
            ),
        }
    }

    /// `url` as a path to send: a relative one as it is, an absolute one only when the dialect
    /// finds it on the API (the token is never sent elsewhere).
    fn on_api(&self, client: &D::Client, url: &str) -> ForgeResult<String> {
        if !links::is_absolute(url) {
            return Ok(url.to_owned());
        }
        self.dialect
            .on_api(client, url)
            .ok_or_else(|| ForgeError::Unexpected {
                retry_after: None,
                what: format!("following a link to {url}"),
                status: 0,
                body: format!("the link leaves the API at {}", self.base()),
            })
    }

    /// The error for a definite failure: 401/403 and 404 name what the token needs, in the
    /// dialect's words; a 404 carries what the forge said was missing.
    pub fn refused(&self, call: Call<'_>, status: u16, body: &str) -> ForgeError {
        refused(&self.dialect, call, status, body)
    }
}

/// [`Transport::refused`], for a dialect on its own (before its transport exists).
pub(crate) fn refused<D: Dialect>(
    dialect: &D,
    call: Call<'_>,
    status: u16,
    body: &str,
) -> ForgeError {
    let said = || dialect.said(body);
    match status {
        401 => ForgeError::Unauthorized {
            what: call.what.to_owned(),
            status,
            needs: format!(
                "{}; {}",
                dialect.token_check(),
                dialect.token_needs(call, &said())
            ),
        },
        403 => ForgeError::Unauthorized {
            what: call.what.to_owned(),
            status,
            needs: dialect.token_needs(call, &said()),
        },
        404 => {
            let said = said();
            ForgeError::NotFound {
                what: call.what.to_owned(),
                needs: dialect.not_found_needs(call, &said),
                resource: dialect.missing(&said),
            }
        }
        _ => ForgeError::Unexpected {
            retry_after: None,
            what: call.what.to_owned(),
            status,
            body: cut(body),
        },
    }
}

/// No answer (or a broken one): retried only if the call is idempotent.
pub(crate) fn lost<T>(call: Call<'_>, error: &str) -> Attempt<T> {
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
