//! Answers: the successful answer, reading it as JSON, and cutting long bodies for error
//! messages.
use serde::de::DeserializeOwned;

use crate::forge::{ForgeError, ForgeResult};

/// The most characters of a response body quoted in an error.
pub(crate) const BODY_LIMIT: usize = 1000;

/// A successful answer.
pub(crate) struct Answer {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The body, as text.
    pub body: String,
    /// The next page, as a path and query on the API (GitHub `Link`, GitLab `X-Next-Page`).
    pub next: Option<String>,
}

/// The body of an answer to `what`, as JSON of `T`.
pub(crate) fn parse<T: DeserializeOwned>(what: &str, body: &str) -> ForgeResult<T> {
    serde_json::from_str(body).map_err(|error| ForgeError::Unexpected {
        retry_after: None,
        what: what.to_owned(),
        status: 200,
        body: format!("{error} in {}", cut(body)),
    })
}

/// At most [`BODY_LIMIT`] characters.
pub(crate) fn cut(body: &str) -> String {
    match body.char_indices().nth(BODY_LIMIT) {
        Some((at, _)) => format!("{}…", &body[..at]),
        None => body.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_cut_by_characters() {
        assert_eq!(cut(&"é".repeat(1500)).chars().count(), BODY_LIMIT + 1);
        assert_eq!(cut("short"), "short");
    }
}
