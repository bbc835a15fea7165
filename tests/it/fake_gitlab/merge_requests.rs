//! The fake's merge requests, as far as their notes go: a merge request is its iid; its notes
//! are listed, created and edited as `lib/api/notes.rb` does for the `MergeRequest` noteable.
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde_json::{Value, json};

use super::{FakeGitlab, Params, Shared, message, notes_on, parse_body, project_ok, sorted};
use crate::fake_server::refusal;

/// Merge requests (by iid) and their notes.
#[derive(Default)]
pub(super) struct Store {
    iids: Vec<u64>,
    /// Merge request iid and note.
    notes: Vec<(u64, Value)>,
}

/// `GET`/`POST /projects/:id/merge_requests/:noteable_id/notes`, `PUT …/notes/:note_id`.
pub(super) fn routes() -> Router<Shared> {
    let mr = "/api/v4/projects/{project}/merge_requests/{iid}";
    Router::new()
        .route(&format!("{mr}/notes"), get(notes_list).post(note_create))
        .route(&format!("{mr}/notes/{{note}}"), put(note_put))
}

impl FakeGitlab {
    /// Opens a merge request; its iid.
    pub fn seed_merge_request(&self) -> u64 {
        let mut db = self.db.lock().unwrap();
        let iid = db.merge_requests.iids.len() as u64 + 1;
        db.merge_requests.iids.push(iid);
        iid
    }

    /// Adds a note by `author` to merge request `iid`; its id.
    pub fn seed_mr_note(&self, iid: u64, body: &str, author: &str) -> u64 {
        let mut db = self.db.lock().unwrap();
        let author = db.user_id(author);
        let author = db.user(author);
        let note = note(&mut db, iid, body, author);
        note["id"].as_u64().unwrap()
    }

    /// The notes of merge request `iid`, oldest first.
    pub fn mr_notes(&self, iid: u64) -> Vec<Value> {
        let db = self.db.lock().unwrap();
        notes_on(&db.merge_requests.notes, iid)
    }
}

/// A new note on merge request `iid`, as `Entities::Note` presents it.
fn note(db: &mut super::Db, iid: u64, body: &str, author: Value) -> Value {
    let id = db.id();
    let now = db.now();
    let note = json!({ "id": id, "type": null, "body": body, "author": author, "system": false,
        "created_at": now, "updated_at": now, "noteable_id": 7000 + iid, "noteable_iid": iid,
        "noteable_type": "MergeRequest", "confidential": false });
    db.merge_requests.notes.push((iid, note.clone()));
    note
}

/// `find_noteable`: a merge request the project does not hold is `404 MergeRequest Not Found`.
fn found(db: &super::Db, project: &str, iid: u64) -> Result<(), Box<Response>> {
    if !project_ok(project) {
        return Err(Box::new(super::no_project()));
    }
    if !db.merge_requests.iids.contains(&iid) {
        return Err(Box::new(message(404, "404 MergeRequest Not Found")));
    }
    Ok(())
}

async fn notes_list(
    State(db): State<Shared>,
    Path((project, iid)): Path<(String, u64)>,
    Query(params): Params,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let db = db.lock().unwrap();
    if let Err(answer) = found(&db, &project, iid) {
        return *answer;
    }
    let items = sorted(notes_on(&db.merge_requests.notes, iid), &params, true);
    db.pager().page(items, &uri, &headers)
}

async fn note_create(
    State(db): State<Shared>,
    Path((project, iid)): Path<(String, u64)>,
    body: String,
) -> Response {
    let new = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    if let Err(answer) = found(&db, &project, iid) {
        return *answer;
    }
    let text = new["body"].as_str().unwrap_or_default().to_owned();
    let author = db.actor();
    let note = note(&mut db, iid, &text, author);
    (StatusCode::CREATED, axum::Json(note)).into_response()
}

/// `update_note` (`lib/api/helpers/notes_helpers.rb`): `noteable.notes.find(note_id)` (404),
/// then `authorize! :admin_note, note`, which only the note's author has
/// (`app/policies/note_policy.rb`: `rule { is_author }`), else 403.
async fn note_put(
    State(db): State<Shared>,
    Path((project, iid, id)): Path<(String, u64, u64)>,
    body: String,
) -> Response {
    let put = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    if let Err(answer) = found(&db, &project, iid) {
        return *answer;
    }
    let now = db.now();
    let me = db.me;
    let Some((_, note)) = db
        .merge_requests
        .notes
        .iter_mut()
        .find(|(i, n)| *i == iid && n["id"] == id)
    else {
        return message(404, "404 Not found");
    };
    if note["author"]["id"] != me {
        let rule = format!(
            "PUT /projects/:id/merge_requests/:noteable_id/notes/:note_id \
             (lib/api/helpers/notes_helpers.rb: update_note, authorize! :admin_note): \
             note {id} is not the token's user's"
        );
        return refusal(message(403, "403 Forbidden"), rule);
    }
    if let Some(text) = put.get("body").and_then(Value::as_str) {
        note["body"] = json!(text);
        note["updated_at"] = json!(now);
    }
    axum::Json(note.clone()).into_response()
}
