//! The reactions to issue comments, served as GitHub's `reaction`.
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::contract::shaped;
use super::{Db, PAGER, Shared, message, parse_body, repo_ok};
use crate::fake_server::query_params;

/// `GET` and `POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions`.
pub(super) fn routes() -> Router<Shared> {
    Router::new().route(
        "/repos/{owner}/{repo}/issues/comments/{id}/reactions",
        get(reactions_list).post(reaction_create),
    )
}

fn comment_exists(db: &Db, id: u64) -> bool {
    db.issues.comments.iter().any(|(_, c)| c["id"] == id)
}

/// `GET …/issues/comments/{id}/reactions`, `content` filtering.
async fn reactions_list(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, u64)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let db = db.lock().unwrap();
    if !repo_ok(&owner, &repo) || !comment_exists(&db, id) {
        return message(404, "Not Found");
    }
    let params = query_params(&uri);
    let content = params.iter().find(|(k, _)| k == "content").map(|(_, v)| v);
    let items = db
        .issues
        .reactions
        .iter()
        .filter(|(c, r)| *c == id && content.is_none_or(|x| r["content"] == x.as_str()))
        .map(|(_, r)| r.clone())
        .collect();
    PAGER.page(items, &uri, &headers)
}

/// `POST …/issues/comments/{id}/reactions`: 201 with a new reaction, 200 with the one the
/// user already gave.
async fn reaction_create(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, u64)>,
    body: String,
) -> Response {
    let new = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    if !repo_ok(&owner, &repo) || !comment_exists(&db, id) {
        return message(404, "Not Found");
    }
    let content = new["content"].as_str().unwrap_or_default().to_owned();
    let actor = db.actor();
    let existing = db.issues.reactions.iter().find(|(c, r)| {
        *c == id && r["content"] == content.as_str() && r["user"]["login"] == actor["login"]
    });
    if let Some((_, r)) = existing {
        return axum::Json(r.clone()).into_response();
    }
    let reaction_id = 9000 + db.issues.reactions.len();
    let reaction = shaped(
        "reaction",
        json!({ "id": reaction_id, "node_id": format!("REA_{reaction_id}"), "content": content,
            "user": actor, "created_at": db.now() }),
    );
    db.issues.reactions.push((id, reaction.clone()));
    (StatusCode::CREATED, axum::Json(reaction)).into_response()
}
