//! The fake's groups and their members. A member of a group is a member of its subgroups too
//! (GitLab's inheritance runs downwards), as `members/all` reports.
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::{FakeGitlab, Shared, message};

/// One membership.
struct Member {
    group: String,
    user: u64,
    access_level: u64,
    /// `active`, or `awaiting`.
    state: &'static str,
}

/// Groups (by full path) and direct memberships.
#[derive(Default)]
pub(super) struct Store {
    groups: Vec<String>,
    members: Vec<Member>,
}

impl Store {
    /// `path` and every group above it.
    fn add_group(&mut self, path: &str) {
        let mut at = 0;
        while at <= path.len() {
            let end = path[at..].find('/').map_or(path.len(), |i| at + i);
            let group = &path[..end];
            if !self.groups.iter().any(|g| g.eq_ignore_ascii_case(group)) {
                self.groups.push(group.to_owned());
            }
            at = end + 1;
        }
    }
}

/// `GET /groups/:id/members/all/:user_id` (the id a URL-encoded full path).
pub(super) fn routes() -> Router<Shared> {
    Router::new().route("/api/v4/groups/{group}/members/all/{user}", get(member_get))
}

impl FakeGitlab {
    /// Adds the group `group_path` (and the groups above it), with no members.
    pub fn add_group(&self, group_path: &str) {
        self.db.lock().unwrap().groups.add_group(group_path);
    }

    /// Makes `username` (created if new) an active member of `group_path` (created, with the
    /// groups above it, if new) at `access_level` (10 Guest … 50 Owner).
    pub fn add_group_member(&self, group_path: &str, username: &str, access_level: u64) {
        self.push_member(group_path, username, access_level, "active");
    }

    /// As [`FakeGitlab::add_group_member`], but the membership is `awaiting` (pending approval).
    pub fn add_pending_group_member(&self, group_path: &str, username: &str, access_level: u64) {
        self.push_member(group_path, username, access_level, "awaiting");
    }

    fn push_member(&self, group: &str, username: &str, access_level: u64, state: &'static str) {
        let mut db = self.db.lock().unwrap();
        let user = db.user_id(username);
        db.groups.add_group(group);
        db.groups
            .members
            .retain(|m| !(m.user == user && m.group.eq_ignore_ascii_case(group)));
        db.groups.members.push(Member {
            group: group.to_owned(),
            user,
            access_level,
            state,
        });
    }
}

/// The user's membership of the group or of a group above it: an active one first, then the
/// highest access level.
async fn member_get(
    State(db): State<Shared>,
    Path((group, user)): Path<(String, u64)>,
) -> Response {
    let db = db.lock().unwrap();
    if !db
        .groups
        .groups
        .iter()
        .any(|g| g.eq_ignore_ascii_case(&group))
    {
        return message(404, "404 Group Not Found");
    }
    let group = group.to_ascii_lowercase();
    let best = db
        .groups
        .members
        .iter()
        .filter(|m| m.user == user)
        .filter(|m| {
            let above = m.group.to_ascii_lowercase();
            group == above || group.starts_with(&format!("{above}/"))
        })
        .max_by_key(|m| (m.state == "active", m.access_level));
    match best {
        Some(m) => {
            let mut member = db.user(user);
            member["access_level"] = json!(m.access_level);
            member["membership_state"] = json!(m.state);
            member["expires_at"] = json!(null);
            member["created_at"] = json!("2026-01-01T00:00:00.000Z");
            axum::Json(member).into_response()
        }
        None => message(404, "404 Not found"),
    }
}
