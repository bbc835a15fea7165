//! GitLab's rules as the fake's contract: the token, every request held to the rule table
//! ([`super::rules`], applied by [`super::validate`]) and to the role its route needs, errors
//! in GitLab's two shapes, and answers held to the entity their route presents
//! ([`super::entities`]).
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Shared, entities, validate};
use crate::fake_server::{Call, Contract, Fault, Refused};

/// What GitLab renders itself (`render_api_error!`, `bad_request!`, `forbidden!`,
/// `not_found!`): `{"message": "404 Not found"}`.
pub(super) fn message(status: u16, text: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap();
    (code, axum::Json(json!({ "message": text }))).into_response()
}

/// The fake GitLab's contract: the token it accepts, and the fake's state for the role of the
/// token's user.
pub(super) struct Gitlab {
    /// The token accepted.
    pub(super) token: String,
    /// The fake's state.
    pub(super) db: Shared,
}

impl Contract for Gitlab {
    /// Grape's validation errors are `400 {"error": "title is missing"}`; everything else,
    /// a 400 GitLab raises itself included (`400 Bad request - …`), is `{"message": …}`.
    fn error(&self, status: u16, text: &str) -> Response {
        if status == 400 && !text.starts_with("400 ") {
            let code = StatusCode::BAD_REQUEST;
            return (code, axum::Json(json!({ "error": text }))).into_response();
        }
        message(status, text)
    }

    fn fault_text(&self, fault: &Fault) -> String {
        match fault {
            Fault::ServerError => "500 Internal Server Error".into(),
            Fault::Unavailable => "503 Service Unavailable".into(),
            // What GitLab's throttle answers.
            Fault::TooMany => "Retry later".into(),
            Fault::SecondaryLimit => "403 Forbidden".into(),
            Fault::Status(_, text) => (*text).into(),
            Fault::Slow(_) | Fault::DropAfterCreate => String::new(),
        }
    }

    /// A personal, project or group access token in `PRIVATE-TOKEN` or as
    /// `Authorization: Bearer` (`Gitlab::Auth::AuthFinders`).
    fn authenticate(&self, headers: &HeaderMap) -> Result<(), (u16, String)> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let bearer = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
        match header("private-token").or(bearer) {
            Some(token) if token == self.token => Ok(()),
            _ => Err((401, "401 Unauthorized".into())),
        }
    }

    fn check_request(&self, call: &Call) -> Result<Vec<String>, Refused> {
        let level = self.db.lock().unwrap().token_level();
        let method = call.method.as_str();
        validate::check(method, &call.path, &call.query, &call.body, level)
    }

    fn check_response(&self, call: &Call, status: u16, body: &[u8]) -> Result<(), String> {
        entities::check(call.method.as_str(), &call.path, status, body)
    }
}
