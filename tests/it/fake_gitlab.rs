//! A stateful fake of the GitLab REST API (`/api/v4`) for one project (`acme/shop`, id 42):
//! `GET /user`, users by username, issues, notes, award emoji on notes, members (inherited
//! included), deployments, freeze periods and pipeline creation, paged with `page`/`per_page` and
//! `X-Next-Page`/`X-Total-Pages`/`Link`; repository tags ([`tags`]) and group members
//! ([`groups`]). It checks the token (`PRIVATE-TOKEN` or `Authorization: Bearer`), records every
//! request and injects faults by method and path.
//!
//! Every request is held to GitLab's own rules ([`rules`], applied by [`validate`]): a request
//! GitLab refuses gets GitLab's answer and is recorded as a [`Violation`]; a fake dropped with a
//! violation nobody took ([`FakeGitlab::take_violations`]) fails the test.
mod deployments;
mod groups;
mod pipelines;
mod rules;
mod tags;
#[cfg(test)]
mod tests;
mod validate;

pub use deployments::EnvironmentJob;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::http_server::HttpServer;

/// The project's path.
pub const PROJECT: &str = "acme/shop";
/// The project's numeric id (`CI_PROJECT_ID`).
pub const PROJECT_ID: &str = "42";

/// A request as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as sent (a project path stays URL-encoded).
    pub path: String,
    /// The query string, empty when none.
    pub query: String,
}

/// A fault to inject.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 500 Internal Server Error.
    ServerError,
    /// 429 with `Retry-After: 1`.
    TooMany,
    /// Answer after this long.
    Slow(Duration),
    /// Do the work, then never answer (the client times out).
    DropAfterCreate,
    /// Answer this status with this GitLab message.
    Status(u16, &'static str),
}

/// A request GitLab's rules refuse (answered as GitLab does), or one whose parameters GitLab
/// would ignore (served, but still a client's mistake).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as sent.
    pub path: String,
    /// The rule, with its source.
    pub rule: String,
    /// The status answered (200 when GitLab would serve it, ignoring parameters).
    pub status: u16,
}

struct Rule {
    method: Method,
    path_contains: String,
    fault: Fault,
    times: usize,
}

#[derive(Default)]
struct Db {
    token: String,
    /// The token's user id.
    me: u64,
    users: Vec<(u64, String)>,
    bots: Vec<String>,
    access: HashMap<u64, u64>,
    requests: Vec<Recorded>,
    violations: Vec<Violation>,
    /// The token's user's access level on the project, when a test sets it apart from `access`.
    token_role: Option<u64>,
    rules: Vec<Rule>,
    link_only: bool,
    clock: u64,
    clock_start: Option<jiff::Timestamp>,
    next_id: u64,
    issues: Vec<Value>,
    notes: Vec<(u64, Value)>,
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

    /// Records a refusal and answers it.
    fn refuse(
        &mut self,
        method: &str,
        path: &str,
        status: u16,
        body: Value,
        rule: String,
    ) -> Response {
        self.violations.push(Violation {
            method: method.to_owned(),
            path: path.to_owned(),
            rule,
            status,
        });
        let code = StatusCode::from_u16(status).unwrap();
        (code, axum::Json(body)).into_response()
    }
}

type Shared = Arc<Mutex<Db>>;

/// The running fake.
pub struct FakeGitlab {
    server: HttpServer,
    db: Shared,
}

impl FakeGitlab {
    /// A fake that accepts `token`, which belongs to `user`.
    pub fn start(token: &str, user: &str) -> Self {
        let mut db = Db {
            token: token.to_owned(),
            next_id: 1000,
            ..Db::default()
        };
        db.me = db.user_id(user);
        let db: Shared = Arc::new(Mutex::new(db));
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
            .merge(deployments::routes())
            .merge(pipelines::routes())
            .merge(tags::routes())
            .merge(groups::routes())
            .fallback(|| async { message(404, "404 Not Found") })
            .layer(middleware::from_fn_with_state(db.clone(), gate))
            .with_state(db.clone());
        Self {
            server: HttpServer::start(router),
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
        self.db.lock().unwrap().rules.push(Rule {
            method: method.parse().unwrap(),
            path_contains: path_contains.to_owned(),
            fault,
            times,
        });
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

    /// The requests GitLab's rules refused (or whose parameters GitLab would ignore), taken: a
    /// test that expects a refusal takes it and checks it.
    pub fn take_violations(&self) -> Vec<Violation> {
        std::mem::take(&mut self.db.lock().unwrap().violations)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.db.lock().unwrap().requests.clone()
    }

    /// Forget the requests so far.
    pub fn clear_requests(&self) {
        self.db.lock().unwrap().requests.clear();
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
}

/// Whether `path` contains `pattern`, or ends with it when the pattern ends with `$`.
fn path_matches(path: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('$') {
        Some(tail) => path.ends_with(tail),
        None => path.contains(pattern),
    }
}

fn message(status: u16, text: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap();
    (code, axum::Json(json!({ "message": text }))).into_response()
}

/// Records, authenticates, holds the request to GitLab's rules, and injects the first matching
/// fault.
async fn gate(State(db): State<Shared>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    {
        let mut db = db.lock().unwrap();
        db.requests.push(Recorded {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
        });
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let bearer =
            header("authorization").and_then(|v| v.strip_prefix("Bearer ").map(str::to_owned));
        let token = header("private-token").or(bearer);
        if token.as_deref() != Some(db.token.as_str()) {
            return message(401, "401 Unauthorized");
        }
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 1 << 22).await else {
        return message(400, "400 Bad request - unreadable body");
    };
    let fault = {
        let mut db = db.lock().unwrap();
        if let Some(refused) = hold_to_rules(&mut db, &method, &path, &query, &body) {
            return refused;
        }
        let rule = db.rules.iter_mut().find(|r| {
            r.times > 0 && r.method == parts.method && path_matches(&path, &r.path_contains)
        });
        rule.map(|r| {
            r.times -= 1;
            r.fault.clone()
        })
    };
    let request = Request::from_parts(parts, axum::body::Body::from(body));
    match fault {
        None => next.run(request).await,
        Some(Fault::ServerError) => message(500, "500 Internal Server Error"),
        Some(Fault::TooMany) => {
            let mut r = message(429, "Retry later");
            r.headers_mut().insert("retry-after", "1".parse().unwrap());
            r
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(Fault::DropAfterCreate) => {
            let _created = next.run(request).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
            message(500, "unreachable: the client gave up")
        }
        Some(Fault::Status(status, text)) => message(status, text),
    }
}

/// GitLab's answer when its rules refuse the request (recorded as a violation); parameters GitLab
/// would ignore, or a route missing from the rule table, are recorded but served.
fn hold_to_rules(
    db: &mut Db,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
) -> Option<Response> {
    let violation = |rule: String, status| Violation {
        method: method.to_owned(),
        path: path.to_owned(),
        rule,
        status,
    };
    let Some((endpoint, mut fields)) = validate::endpoint_for(method, path) else {
        db.violations.push(violation(
            "no rule in the table for this route".to_owned(),
            404,
        ));
        return None;
    };
    let checked = validate::gather(&mut fields, query, body)
        .and_then(|()| validate::check_params(endpoint, &fields))
        .and_then(|ignored| {
            validate::check_role(endpoint, db.token_level())?;
            validate::check_body(endpoint, &fields)?;
            Ok(ignored)
        });
    match checked {
        Ok(ignored) => {
            for name in ignored {
                db.violations.push(violation(
                    format!(
                        "{} {} ({}) declares no parameter `{name}`: GitLab ignores it",
                        endpoint.method, endpoint.path, endpoint.source
                    ),
                    200,
                ));
            }
            None
        }
        Err(r) => Some(db.refuse(method, path, r.status, r.body, r.rule)),
    }
}

impl Drop for FakeGitlab {
    /// A violation nobody took fails the test (unless it is failing already).
    fn drop(&mut self) {
        let left = self
            .db
            .lock()
            .map(|mut db| std::mem::take(&mut db.violations))
            .unwrap_or_default();
        if !left.is_empty() && !std::thread::panicking() {
            panic!("requests GitLab's rules refuse: {left:#?}");
        }
    }
}

fn project_ok(project: &str) -> bool {
    project == PROJECT || project == PROJECT_ID
}

fn no_project() -> Response {
    message(404, "404 Project Not Found")
}

fn parse_body(body: &str) -> Result<Value, Box<Response>> {
    serde_json::from_str(body).map_err(|_| Box::new(message(400, "400 Bad request - invalid JSON")))
}

type Params = Query<HashMap<String, String>>;

/// A page of `items` per `per_page` (default 20, at most 100) and `page`, with GitLab's headers.
fn paged(
    db: &Db,
    items: Vec<Value>,
    uri: &Uri,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Response {
    let per_page = params
        .get("per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, 100);
    let page = params
        .get("page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let link_to = |p: usize| {
        let mut query: Vec<&str> = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("page="))
            .collect();
        let page = format!("page={p}");
        query.push(&page);
        format!("<http://{host}{}?{}>", uri.path(), query.join("&"))
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", link_to(page - 1)));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", link_to(page + 1)));
    }
    links.push(format!("{}; rel=\"first\"", link_to(1)));
    links.push(format!("{}; rel=\"last\"", link_to(last)));
    let mut response = axum::Json(Value::Array(slice)).into_response();
    let h = response.headers_mut();
    h.insert("link", links.join(", ").parse().unwrap());
    if !db.link_only {
        let next = if page < last {
            (page + 1).to_string()
        } else {
            String::new()
        };
        let prev = if page > 1 {
            (page - 1).to_string()
        } else {
            String::new()
        };
        for (name, value) in [
            ("x-page", page.to_string()),
            ("x-per-page", per_page.to_string()),
            ("x-next-page", next),
            ("x-prev-page", prev),
            ("x-total", total.to_string()),
            ("x-total-pages", last.to_string()),
        ] {
            h.insert(name, value.parse().unwrap());
        }
    }
    response
}

/// `order_by` (`created_at`, the default, or `updated_at`; ties by id) and `sort=asc|desc` over
/// `items` held oldest first, as the issues and notes routes order them (default `desc`).
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
    paged(&db, items, &uri, &headers, &params)
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
    paged(&db, items, &uri, &headers, &params)
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
    let items: Vec<Value> = db
        .notes
        .iter()
        .filter(|(i, _)| *i == iid)
        .map(|(_, n)| n.clone())
        .collect();
    let items = sorted(items, &params, true);
    paged(&db, items, &uri, &headers, &params)
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
    Query(params): Params,
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
    paged(&db, items, &uri, &headers, &params)
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
    Query(params): Params,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let db = db.lock().unwrap();
    let items = db.freezes.clone();
    paged(&db, items, &uri, &headers, &params)
}
