//! What a forge's transport leaves to the forge: its vendor crate's client, where the next page
//! is, and how its refusals are worded.
use ::http::HeaderMap;
use serde::Serialize;

use super::{Call, Method, Payload, links};
use crate::forge::{ForgeError, ForgeResult};
use crate::retry::RetryPolicy;

/// An answer as it came, before it is classified.
pub(crate) struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The headers (`Retry-After`, the next page).
    pub headers: HeaderMap,
    /// The body, as text.
    pub body: String,
}

/// Why an exchange brought no answer.
pub(crate) enum Unsent {
    /// No answer, or an unreadable one: the server may have acted on the request.
    Lost(String),
    /// The request could not be made (nothing was sent), or the client refused the answer.
    Fail(ForgeError),
}

/// Where the next page is.
pub(crate) enum Next {
    /// A path relative to the API base.
    Path(String),
    /// An absolute URL (a `Link`), followed only when it is on the API.
    Url(String),
}

/// One forge's side of the transport.
pub(crate) trait Dialect {
    /// The vendor crate's client.
    type Client;

    /// The API base as given, for messages.
    fn base(&self) -> &str;

    /// The client, ready to send (built on first use, its own requests retried per `retry`).
    async fn connect(&self, retry: &RetryPolicy) -> ForgeResult<&Self::Client>;

    /// One request through the client; `path` is relative to the API base.
    async fn exchange<B: Serialize + Sync>(
        &self,
        client: &Self::Client,
        call: Call<'_>,
        method: Method,
        path: &str,
        body: Payload<'_, B>,
    ) -> Result<Response, Unsent>;

    /// `url` as a path relative to the API base, when it is on the API; `None` when it leaves.
    fn on_api(&self, client: &Self::Client, url: &str) -> Option<String>;

    /// The next page after the answer to `path` (by default a `Link: rel="next"`).
    fn next(&self, path: &str, headers: &HeaderMap) -> Option<Next> {
        let _ = path;
        links::link_next(headers)
    }

    /// The vendor's message in a refusal's body.
    fn said(&self, body: &str) -> String;

    /// After a 401: how to check the token.
    fn token_check(&self) -> &'static str;

    /// After a 401 or 403: what the token needs for `call`, with what the forge `said`.
    fn token_needs(&self, call: Call<'_>, said: &str) -> String;

    /// After a 404: what the token needs to see what `call` asks for.
    fn not_found_needs(&self, call: Call<'_>, said: &str) -> String;

    /// What a 404 that `said` this names as missing, where the forge names it.
    fn missing(&self, said: &str) -> Option<String> {
        let _ = said;
        None
    }
}
