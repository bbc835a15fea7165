//! The fake's organization teams: who is a member of which team, and in what state.
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::{FakeGithub, Shared, message};

/// Team memberships.
#[derive(Default)]
pub(super) struct Store {
    /// (org, team slug, login, state), each in its first spelling.
    members: Vec<(String, String, String, String)>,
}

/// `GET /orgs/{org}/teams/{team_slug}/memberships/{username}`.
pub(super) fn routes() -> Router<Shared> {
    Router::new().route(
        "/orgs/{org}/teams/{team}/memberships/{login}",
        get(membership_get),
    )
}

impl FakeGithub {
    /// Makes `login` a member (role `member`) of the team `org/team` with membership `state`:
    /// `active`, or `pending` (invited, not yet accepted).
    pub fn add_team_member(&self, org: &str, team: &str, login: &str, state: &str) {
        let mut db = self.db.lock().unwrap();
        db.teams.members.retain(|(o, t, l, _)| {
            !(o.eq_ignore_ascii_case(org) && t == team && l.eq_ignore_ascii_case(login))
        });
        db.teams.members.push((
            org.to_owned(),
            team.to_owned(),
            login.to_owned(),
            state.to_owned(),
        ));
    }
}

/// 404 for a non-member, for an unknown team, and (as GitHub does) for a workflow's
/// `GITHUB_TOKEN`, which cannot see the organization's teams.
async fn membership_get(
    State(db): State<Shared>,
    Path((org, team, login)): Path<(String, String, String)>,
) -> Response {
    let db = db.lock().unwrap();
    if db.user.is_none() {
        return message(404, "Not Found");
    }
    let found = db.teams.members.iter().position(|(o, t, l, _)| {
        o.eq_ignore_ascii_case(&org) && *t == team && l.eq_ignore_ascii_case(&login)
    });
    match found {
        Some(at) => {
            let (org, team, login, state) = &db.teams.members[at];
            let team_id = 300
                + db.teams
                    .members
                    .iter()
                    .position(|(o, t, _, _)| o == org && t == team)
                    .unwrap_or(at);
            axum::Json(json!({
                "url": format!("https://api.github.com/teams/{team_id}/memberships/{login}"),
                "role": "member",
                "state": state,
            }))
            .into_response()
        }
        None => message(404, "Not Found"),
    }
}
