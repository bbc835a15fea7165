//! A stateful fake of the GitHub REST API for one repository (`acme/shop`): issues and
//! comments ([`issues`]), reactions ([`reactions`]), collaborator permissions and `GET /user`,
//! deployments, their statuses, the deployments Actions makes for environment jobs and workflow
//! dispatch ([`deployments`]), the repository, its branches, check runs and commit statuses
//! ([`commits`]), tags and tag objects ([`git`]), releases and their assets ([`releases`]) and
//! organization team memberships ([`teams`]). Built on the fake-server toolkit: it records every request, injects faults, and
//! checks every request and answer against GitHub's OpenAPI description ([`contract`]); a
//! request or answer the description refuses fails the test when the fake is dropped.
mod commits;
pub mod contract;
mod deployments;
mod git;
mod issues;
mod objects;
mod reactions;
mod releases;
mod teams;
pub mod webhooks;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

pub use self::contract::message;
pub use crate::fake_server::{Fault, Recorded};
use crate::fake_server::{Kit, PageHeaders, Pager};
use crate::http_server::HttpServer;

/// The repository the fake serves.
pub const REPO: &str = "acme/shop";

/// GitHub's paging: 30 items unless `per_page` says otherwise, a `Link` header.
const PAGER: Pager = Pager {
    default_per_page: 30,
    headers: PageHeaders::Github,
};

#[derive(Default)]
struct Db {
    user: Option<String>,
    clock: u64,
    issues: issues::Store,
    roles: HashMap<String, String>,
    deployments: deployments::Store,
    commits: commits::Store,
    git: git::Store,
    releases: releases::Store,
    teams: teams::Store,
}

impl Db {
    /// The next instant of the fake's clock, one second after the last.
    fn now(&mut self) -> String {
        self.clock += 1;
        let s = self.clock;
        format!(
            "2026-03-02T{:02}:{:02}:{:02}Z",
            8 + s / 3600,
            s / 60 % 60,
            s % 60
        )
    }

    /// Who the token acts as: the user, or a workflow's `github-actions[bot]`.
    fn actor(&self) -> Value {
        match &self.user {
            Some(login) => objects::user(login, "User"),
            None => objects::user(objects::ACTIONS_BOT, "Bot"),
        }
    }
}

type Shared = Arc<Mutex<Db>>;

/// The running fake.
pub struct FakeGithub {
    server: HttpServer,
    kit: Arc<Kit>,
    db: Shared,
}

impl FakeGithub {
    /// A fake that accepts `token`; `user` is who `GET /user` says the token is (`None`: a
    /// workflow's `GITHUB_TOKEN`, which gets 403 there and acts as `github-actions[bot]`).
    /// Panics when GitHub's description is not installed (`scripts/tools.sh`).
    pub fn start(token: &str, user: Option<&str>) -> Self {
        contract::description();
        let db: Shared = Arc::new(Mutex::new(Db {
            user: user.map(str::to_owned),
            ..Db::default()
        }));
        let kit = Kit::new(contract::Github {
            token: token.to_owned(),
        });
        let router = Router::new()
            .route("/user", get(user_get))
            .route(
                "/repos/{owner}/{repo}/collaborators/{login}/permission",
                get(permission_get),
            )
            .merge(issues::routes())
            .merge(reactions::routes())
            .merge(deployments::routes())
            .merge(commits::routes())
            .merge(git::routes())
            .merge(releases::routes())
            .merge(teams::routes());
        let router = kit.layer(router).with_state(db.clone());
        Self {
            server: HttpServer::start(router),
            kit,
            db,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The next `times` requests with `method` whose path contains `path_contains` get `fault`.
    pub fn fail(&self, method: &str, path_contains: &str, fault: Fault, times: usize) {
        self.kit.fail(method, path_contains, fault, times);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.kit.requests()
    }

    /// Forget the requests so far.
    pub fn clear_requests(&self) {
        self.kit.clear_requests();
    }

    /// The requests and answers GitHub's description refused so far, forgotten once read (a
    /// test that sends one on purpose takes them; any left fail the test at the end).
    pub fn take_violations(&self) -> Vec<String> {
        self.kit.take_violations()
    }

    /// Gives `login` a repository role (admin, maintain, write, triage, read or a custom one).
    pub fn set_role(&self, login: &str, role: &str) {
        self.db
            .lock()
            .unwrap()
            .roles
            .insert(login.to_owned(), role.to_owned());
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        self.kit.assert_no_violations("the fake GitHub");
    }
}

fn repo_ok(owner: &str, repo: &str) -> bool {
    format!("{owner}/{repo}") == REPO
}

/// Parses a JSON body; GitHub's 400 when it is not JSON.
fn parse_body(body: &str) -> Result<Value, Box<Response>> {
    crate::fake_server::parse_json(body, || message(400, "Problems parsing JSON"))
}

/// `GET /user`: the token's user (`public-user`); a workflow's token gets 403.
async fn user_get(State(db): State<Shared>) -> Response {
    let db = db.lock().unwrap();
    match &db.user {
        Some(login) => axum::Json(objects::public_user(login)).into_response(),
        None => message(403, "Resource not accessible by integration"),
    }
}

/// `GET /repos/{owner}/{repo}/collaborators/{username}/permission`
/// (`repository-collaborator-permission`): `permission` is the legacy base permission
/// (maintain reads as write, triage as read), `role_name` the role itself.
async fn permission_get(
    State(db): State<Shared>,
    Path((owner, repo, login)): Path<(String, String, String)>,
) -> Response {
    if !repo_ok(&owner, &repo) {
        return message(404, "Not Found");
    }
    let db = db.lock().unwrap();
    let role = db
        .roles
        .get(&login)
        .cloned()
        .unwrap_or_else(|| "none".into());
    axum::Json(objects::permission(&login, &role)).into_response()
}
