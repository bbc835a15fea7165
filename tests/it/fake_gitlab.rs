//! A stateful fake of the GitLab REST API (`/api/v4`) for one project (`acme/shop`, id 42):
//! `GET /user`, users by username, issues, notes, award emoji on notes, merge requests' notes
//! ([`merge_requests`]), members (inherited included), deployments ([`deployments`]), freeze periods, pipelines ([`pipelines`]),
//! repository tags ([`tags`]) and group members ([`groups`]).
//!
//! Built on the fake-server toolkit: it records every request, injects faults by method and
//! path, and pages as GitLab does (`X-Next-Page`, `X-Total-Pages`, `Link`). Its contract
//! ([`contract`]) checks the token (`PRIVATE-TOKEN` or `Authorization: Bearer`) and holds every
//! request to GitLab's own rules ([`rules`], applied by [`validate`]) and every answer to the
//! entity its route presents ([`entities`]): a request GitLab refuses gets GitLab's answer and
//! is recorded as a violation; a fake dropped with a violation nobody took
//! ([`FakeGitlab::take_violations`]) fails the test.
mod contract;
mod deployments;
mod entities;
mod groups;
mod merge_requests;
mod pipelines;
mod rules;
mod tags;
#[cfg(test)]
mod tests;
mod validate;

pub use deployments::EnvironmentJob;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use self::contract::message;
pub use crate::fake_server::{Fault, Recorded};
use crate::fake_server::{Kit, PageHeaders, Pager};
use crate::http_server::HttpServer;

/// The project's path.
pub const PROJECT: &str = "acme/shop";
/// The project's numeric id (`CI_PROJECT_ID`).
pub const PROJECT_ID: &str = "42";

#[derive(Default)]
struct Db {
    /// The token's user id.
    me: u64,
    users: Vec<(u64, String)>,
    bots: Vec<String>,
    access: HashMap<u64, u64>,
    /// The token's user's access level on the project, when a test sets it apart from `access`.
    token_role: Option<u64>,
    /// Pages carry only `Link`.
    link_only: bool,
    clock: u64,
    clock_start: Option<jiff::Timestamp>,
    next_id: u64,
    issues: Vec<Value>,
    notes: Vec<(u64, Value)>,
    merge_requests: merge_requests::Store,
    awards: Vec<(u64, Value)>,
    deployments: deployments::Store,
    freezes: Vec<Value>,
    pipelines: pipelines::Store,
    tags: tags::Store,
    groups: groups::Store,
}

impl Db {
    /// The fake's clock: one second later at every call, from 2026-03-02T08:00:00Z unless a
    /// test set another start ([`FakeGitlab::start_clock_at`]).
    fn now(&mut self) -> String {
        self.clock += 1;
        let start = self
            .clock_start
            .unwrap_or_else(|| "2026-03-02T08:00:00Z".parse().unwrap());
        let at = start + jiff::SignedDuration::from_secs(self.clock as i64);
        at.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string()
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn user_id(&mut self, username: &str) -> u64 {
        if let Some((id, _)) = self.users.iter().find(|(_, u)| u == username) {
            return *id;
        }
        let id = 100 + self.users.len() as u64;
        self.users.push((id, username.to_owned()));
        id
    }

    fn user(&self, id: u64) -> Value {
        let username = self
            .users
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, u)| u.clone())
            .unwrap_or_default();
        let bot = self.bots.contains(&username);
        json!({ "id": id, "username": username, "name": username, "state": "active",
            "bot": bot, "web_url": format!("https://gitlab.example/{username}") })
    }

    fn actor(&self) -> Value {
        self.user(self.me)
    }

    /// The token's user's access level on the project: set apart, else its membership, else
    /// Maintainer (40).
    fn token_level(&self) -> u64 {
        self.token_role
            .or_else(|| self.access.get(&self.me).copied())
            .unwrap_or(40)
    }

    /// GitLab's paging: 20 items unless `per_page` says otherwise; `X-*` headers and `Link`,
    /// or `Link` alone ([`FakeGitlab::link_only`]).
    fn pager(&self) -> Pager {
        Pager {
            default_per_page: 20,
            headers: PageHeaders::Gitlab {
                link_only: self.link_only,
            },
        }
    }
}

type Shared = Arc<Mutex<Db>>;

/// The running fake.
pub struct FakeGitlab {
    server: HttpServer,
    kit: Arc<Kit>,
    db: Shared,
}

impl FakeGitlab {
    /// A fake that accepts `token`, which belongs to `user`.
    pub fn start(token: &str, user: &str) -> Self {
        let mut db = Db {
            next_id: 1000,
            ..Db::default()
        };
        db.me = db.user_id(user);
        let db: Shared = Arc::new(Mutex::new(db));
        let kit = Kit::new(contract::Gitlab {
            token: token.to_owned(),
            db: db.clone(),
        });
        let p = "/api/v4/projects/{project}";
        let router = Router::new()
            .route("/api/v4/user", get(user_get))
            .route("/api/v4/users", get(users_list))
            .route(&format!("{p}/issues"), get(issues_list).post(issue_create))
            .route(
                &format!("{p}/issues/{{iid}}"),
                get(issue_get).put(issue_put),
            )
            .route(
                &format!("{p}/issues/{{iid}}/notes"),
                get(notes_list).post(note_create),
            )
            .route(
                &format!("{p}/issues/{{iid}}/notes/{{note}}/award_emoji"),
                get(awards_list).post(award_create),
            )
            .route(&format!("{p}/members/all/{{user}}"), get(member_get))
            .route(&format!("{p}/freeze_periods"), get(freezes_list))
            .merge(merge_requests::routes())
            .merge(deployments::routes())
            .merge(pipelines::routes())
            .merge(tags::routes())
            .merge(groups::routes())
            .fallback(|| async { message(404, "404 Not Found") });
        let router = kit.layer(router).with_state(db.clone());
        Self {
            server: HttpServer::start(router),
            kit,
            db,
        }
    }

    /// `http://127.0.0.1:PORT/api/v4` (`CI_API_V4_URL`).
    pub fn api_url(&self) -> String {
        format!("{}/api/v4", self.server.url())
    }

    /// The next `times` requests with `method` whose path contains `path_contains` get `fault`
    /// (a trailing `$` anchors it at the end: `/notes$` is creating a note, not awarding one).
    pub fn fail(&self, method: &str, path_contains: &str, fault: Fault, times: usize) {
        self.kit.fail(method, path_contains, fault, times);
    }

    /// Pages carry only `Link` (as GitLab does past 10,000 items), no `X-Next-Page`.
    pub fn link_only(&self, on: bool) {
        self.db.lock().unwrap().link_only = on;
    }

    /// Starts the fake's clock at `at` (e.g. now, for checks that compare with the real time).
    pub fn start_clock_at(&self, at: jiff::Timestamp) {
        let mut db = self.db.lock().unwrap();
        db.clock_start = Some(at);
        db.clock = 0;
    }

    /// Sets the token's user's access level on the project (10 Guest … 50 Owner; 0 not a
    /// member), apart from its membership as [`FakeGitlab::set_access`] records it.
    pub fn set_token_role(&self, level: u64) {
        self.db.lock().unwrap().token_role = Some(level);
    }

    /// The requests GitLab's rules refused (or whose parameters GitLab would ignore) and the
    /// answers its entities do not allow, taken: a test that expects a refusal takes it and
    /// checks it.
    pub fn take_violations(&self) -> Vec<String> {
        self.kit.take_violations()
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.kit.requests()
    }

    /// Forget the requests so far.
    pub fn clear_requests(&self) {
        self.kit.clear_requests();
    }

    /// Adds an open issue by `author`; its iid.
    pub fn seed_issue(&self, title: &str, description: &str, author: &str) -> u64 {
        let mut db = self.db.lock().unwrap();
        let author = db.user_id(author);
        let author = db.user(author);
        push_issue(&mut db, title, description, author, vec![], vec![])["iid"]
            .as_u64()
            .unwrap()
    }

    /// Adds a note to issue `iid` (`system`: one GitLab writes itself); its id.
    pub fn seed_note(&self, iid: u64, body: &str, author: &str, system: bool) -> u64 {
        let mut db = self.db.lock().unwrap();
        let author = db.user_id(author);
        let author = db.user(author);
        let id = db.id();
        let now = db.now();
        db.notes.push((
            iid,
            json!({ "id": id, "body": body, "author": author, "system": system,
                "created_at": now, "updated_at": now, "noteable_iid": iid, "noteable_type": "Issue" }),
        ));
        id
    }

    /// Makes `username` (created if new) a bot user (`"bot": true`).
    pub fn add_bot(&self, username: &str) {
        let mut db = self.db.lock().unwrap();
        db.user_id(username);
        db.bots.push(username.to_owned());
    }

    /// Edits note `id`: a new body and a later `updated_at`, as GitLab does.
    pub fn edit_note(&self, id: u64, body: &str) {
        let mut db = self.db.lock().unwrap();
        let now = db.now();
        let note = db.notes.iter_mut().find(|(_, n)| n["id"] == id).unwrap();
        note.1["body"] = json!(body);
        note.1["updated_at"] = json!(now);
    }

    /// Gives `username` (created if new) an access level on the project (10 Guest … 50 Owner).
    pub fn set_access(&self, username: &str, level: u64) {
        let mut db = self.db.lock().unwrap();
        let id = db.user_id(username);
        db.access.insert(id, level);
    }

    /// Adds a user who is not a member.
    pub fn add_user(&self, username: &str) {
        self.db.lock().unwrap().user_id(username);
    }

    /// Adds a deploy freeze period.
    pub fn add_freeze(&self, start: &str, end: &str, timezone: &str) {
        let mut db = self.db.lock().unwrap();
        let id = db.id();
        db.freezes
            .push(json!({ "id": id, "freeze_start": start, "freeze_end": end,
            "cron_timezone": timezone, "created_at": "2026-01-01T00:00:00Z" }));
    }

    /// The issues held.
    pub fn issues(&self) -> Vec<Value> {
        self.db.lock().unwrap().issues.clone()
    }

    /// The notes of issue `iid`, oldest first.
    pub fn notes(&self, iid: u64) -> Vec<Value> {
        notes_on(&self.db.lock().unwrap().notes, iid)
    }
}

impl Drop for FakeGitlab {
    fn drop(&mut self) {
        self.kit.assert_no_violations("the fake GitLab");
    }
}

fn project_ok(project: &str) -> bool {
    project == PROJECT || project == PROJECT_ID
}

fn no_project() -> Response {
    message(404, "404 Project Not Found")
}

/// Parses a JSON body; GitLab's 400 when it is not JSON.
fn parse_body(body: &str) -> Result<Value, Box<Response>> {
    crate::fake_server::parse_json(body, || message(400, "400 Bad request - invalid JSON"))
}

type Params = Query<HashMap<String, String>>;

/// `order_by` (`created_at`, the default, or `updated_at`; ties by id) and `sort=asc|desc` over
/// `items` held oldest first, as the issues and notes routes order them (default `desc`).
/// The notes of noteable `iid` (an issue or a merge request), oldest first.
fn notes_on(notes: &[(u64, Value)], iid: u64) -> Vec<Value> {
    notes
        .iter()
        .filter(|(i, _)| *i == iid)
        .map(|(_, n)| n.clone())
        .collect()
}

fn sorted(
    mut items: Vec<Value>,
    params: &HashMap<String, String>,
    default_desc: bool,
) -> Vec<Value> {
    if params.get("order_by").is_some_and(|o| o == "updated_at") {
        let key = |v: &Value| {
            let at = v["updated_at"].as_str().unwrap_or_default().to_owned();
            (at, v["id"].as_u64().unwrap_or_default())
        };
        items.sort_by_key(key);
    }
    let desc = params.get("sort").map_or(default_desc, |s| s == "desc");
    if desc {
        items.reverse();
    }
    items
}

async fn user_get(State(db): State<Shared>) -> Response {
    let db = db.lock().unwrap();
    axum::Json(db.actor()).into_response()
}

async fn users_list(
    State(db): State<Shared>,
    Query(params): Params,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let db = db.lock().unwrap();
    let items = db
        .users
        .iter()
        .filter(|(_, u)| {
            params
                .get("username")
                .is_none_or(|want| u.eq_ignore_ascii_case(want))
        })
        .map(|(id, _)| db.user(*id))
        .collect();
    db.pager().page(items, &uri, &headers)
}

fn push_issue(
    db: &mut Db,
    title: &str,
    description: &str,
    author: Value,
    labels: Vec<String>,
    assignees: Vec<Value>,
) -> Value {
    let iid = db.issues.len() as u64 + 1;
    let id = db.id();
    let now = db.now();
    let issue = json!({
        "id": id, "iid": iid, "project_id": 42, "title": title, "description": description,
        "state": "opened", "author": author, "labels": labels, "assignees": assignees,
        "web_url": format!("https://gitlab.example/{PROJECT}/-/issues/{iid}"),
        "created_at": now, "updated_at": now,
    });
    db.issues.push(issue.clone());
    issue
}

async fn issues_list(
    State(db): State<Shared>,
    Path(project): Path<String>,
    Query(params): Params,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let db = db.lock().unwrap();
    let state = params.get("state").cloned().unwrap_or_else(|| "all".into());
    let items: Vec<Value> = db
        .issues
        .iter()
        .filter(|i| state == "all" || i["state"] == state.as_str())
        .cloned()
        .collect();
    let items = sorted(items, &params, true);
    db.pager().page(items, &uri, &headers)
}

async fn issue_create(
    State(db): State<Shared>,
    Path(project): Path<String>,
    body: String,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let new = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(title) = new["title"].as_str() else {
        return message(400, "400 Bad request - title is missing");
    };
    let mut db = db.lock().unwrap();
    let labels = match &new["labels"] {
        Value::String(s) => s
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(|l| l.as_str().map(str::to_owned))
            .collect(),
        _ => vec![],
    };
    let assignees = new["assignee_ids"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_u64)
        .map(|id| db.user(id))
        .collect();
    let author = db.actor();
    let description = new["description"].as_str().unwrap_or_default().to_owned();
    let issue = push_issue(&mut db, title, &description, author, labels, assignees);
    (StatusCode::CREATED, axum::Json(issue)).into_response()
}

fn find_issue(db: &mut Db, iid: u64) -> Option<&mut Value> {
    db.issues.iter_mut().find(|i| i["iid"] == iid)
}

async fn issue_get(
    State(db): State<Shared>,
    Path((project, iid)): Path<(String, u64)>,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let mut db = db.lock().unwrap();
    match find_issue(&mut db, iid) {
        Some(issue) => axum::Json(issue.clone()).into_response(),
        None => message(404, "404 Not found"),
    }
}

async fn issue_put(
    State(db): State<Shared>,
    Path((project, iid)): Path<(String, u64)>,
    body: String,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let put = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    let now = db.now();
    let Some(issue) = find_issue(&mut db, iid) else {
        return message(404, "404 Not found");
    };
    for key in ["description", "title"] {
        if let Some(v) = put.get(key) {
            issue[key] = v.clone();
        }
    }
    match put["state_event"].as_str() {
        Some("close") => issue["state"] = json!("closed"),
        Some("reopen") => issue["state"] = json!("opened"),
        Some(_) => {
            return message(
                400,
                "400 Bad request - state_event does not have a valid value",
            );
        }
        None => {}
    }
    issue["updated_at"] = json!(now);
    axum::Json(issue.clone()).into_response()
}

async fn notes_list(
    State(db): State<Shared>,
    Path((project, iid)): Path<(String, u64)>,
    Query(params): Params,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut db = db.lock().unwrap();
    if !project_ok(&project) || find_issue(&mut db, iid).is_none() {
        return message(404, "404 Not found");
    }
    let items = sorted(notes_on(&db.notes, iid), &params, true);
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
    if !project_ok(&project) || find_issue(&mut db, iid).is_none() {
        return message(404, "404 Not found");
    }
    let Some(text) = new["body"].as_str() else {
        return message(400, "400 Bad request - body is missing");
    };
    let id = db.id();
    let now = db.now();
    let note = json!({ "id": id, "body": text, "author": db.actor(), "system": false,
        "created_at": now, "updated_at": now, "noteable_iid": iid, "noteable_type": "Issue" });
    db.notes.push((iid, note.clone()));
    (StatusCode::CREATED, axum::Json(note)).into_response()
}

fn note_exists(db: &Db, iid: u64, note: u64) -> bool {
    db.notes.iter().any(|(i, n)| *i == iid && n["id"] == note)
}

async fn awards_list(
    State(db): State<Shared>,
    Path((project, iid, note)): Path<(String, u64, u64)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let db = db.lock().unwrap();
    if !project_ok(&project) || !note_exists(&db, iid, note) {
        return message(404, "404 Not found");
    }
    let items = db
        .awards
        .iter()
        .filter(|(n, _)| *n == note)
        .map(|(_, a)| a.clone())
        .collect();
    db.pager().page(items, &uri, &headers)
}

async fn award_create(
    State(db): State<Shared>,
    Path((project, iid, note)): Path<(String, u64, u64)>,
    body: String,
) -> Response {
    let new = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    if !project_ok(&project) || !note_exists(&db, iid, note) {
        return message(404, "404 Not found");
    }
    let name = new["name"].as_str().unwrap_or_default().to_owned();
    if !["eyes", "rocket", "thumbsdown", "thumbsup", "tada"].contains(&name.as_str()) {
        return message(
            404,
            "404 Award Emoji Name is not a valid emoji name Not Found",
        );
    }
    let me = db.me;
    if db
        .awards
        .iter()
        .any(|(n, a)| *n == note && a["name"] == name.as_str() && a["user"]["id"] == me)
    {
        // What GitLab answers for a repeated award.
        return message(404, "404 Award Emoji Name has already been taken Not Found");
    }
    let id = db.id();
    let now = db.now();
    let award = json!({ "id": id, "name": name, "user": db.actor(), "created_at": now,
        "updated_at": now, "awardable_id": note, "awardable_type": "Note" });
    db.awards.push((note, award.clone()));
    (StatusCode::CREATED, axum::Json(award)).into_response()
}

async fn member_get(
    State(db): State<Shared>,
    Path((project, user)): Path<(String, u64)>,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let db = db.lock().unwrap();
    match db.access.get(&user) {
        Some(level) => {
            let mut member = db.user(user);
            member["access_level"] = json!(level);
            axum::Json(member).into_response()
        }
        None => message(404, "404 Not found"),
    }
}

async fn freezes_list(
    State(db): State<Shared>,
    Path(project): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let db = db.lock().unwrap();
    let items = db.freezes.clone();
    db.pager().page(items, &uri, &headers)
}
