//! GitHub's REST API description (`@octokit/openapi`, installed by `scripts/tools.sh`) as the
//! fake's contract: every request the fake receives and every answer it gives is checked
//! against it, and the objects it serves start from the description's own schemas.
use std::sync::OnceLock;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fake_server::openapi::{Body, Description, installed, merge};
use crate::fake_server::{Call, Contract, Fault, Refused};

/// The description of api.github.com (not the dereferenced variant: a fifth of the size,
/// its `$ref`s resolved by the validator), inside the pinned npm package.
const DESCRIPTION: &str = ".tools/node/node_modules/@octokit/openapi/generated/api.github.com.json";

/// The shape of every GitHub error answer.
const ERROR_SCHEMA: &str = "/components/schemas/basic-error";

/// GitHub's REST API description, read once per test process.
pub fn description() -> &'static Description {
    static LOADED: OnceLock<Description> = OnceLock::new();
    LOADED.get_or_init(|| installed(DESCRIPTION))
}

/// The schema `components/schemas/{name}`'s smallest instance with `overlay` written over it.
pub fn shaped(name: &str, overlay: Value) -> Value {
    let mut value = description().skeleton(&format!("/components/schemas/{name}"));
    merge(&mut value, overlay);
    value
}

/// A GitHub error answer.
pub fn message(status: u16, text: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap();
    let body = json!({
        "message": text,
        "documentation_url": "https://docs.github.com/rest",
        "status": status.to_string(),
    });
    (code, axum::Json(body)).into_response()
}

/// The fake GitHub's contract: a bearer token, and the description.
pub struct Github {
    /// The token accepted.
    pub token: String,
}

impl Contract for Github {
    fn error(&self, status: u16, text: &str) -> Response {
        message(status, text)
    }

    fn fault_text(&self, fault: &Fault) -> String {
        match fault {
            Fault::ServerError => "Server Error".into(),
            Fault::Unavailable => "Service Unavailable".into(),
            Fault::TooMany => "API rate limit exceeded".into(),
            Fault::SecondaryLimit => "You have exceeded a secondary rate limit. Please wait a few \
                                      minutes before you try again."
                .into(),
            Fault::Status(_, text) => (*text).into(),
            Fault::Slow(_) | Fault::DropAfterCreate => String::new(),
        }
    }

    fn authenticate(&self, headers: &HeaderMap) -> Result<(), (u16, String)> {
        let expected = format!("Bearer {}", self.token);
        let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
        if auth == Some(expected.as_str()) {
            Ok(())
        } else {
            Err((401, "Bad credentials".into()))
        }
    }

    fn check_request(&self, call: &Call) -> Result<Vec<String>, Refused> {
        let body = Body {
            content_type: call.content_type.as_deref(),
            content_length: call.content_length.as_deref(),
            bytes: &call.body,
        };
        description()
            .check_request(call.method.as_str(), &call.path, &call.query, body)
            .map(|_| Vec::new())
            .map_err(|r| Refused::plain(r.status, r.reason))
    }

    fn check_response(&self, call: &Call, status: u16, body: &[u8]) -> Result<(), String> {
        description().check_response(call.method.as_str(), &call.path, status, body, ERROR_SCHEMA)
    }
}
