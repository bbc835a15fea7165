//! The people the fake serves, in the shapes GitHub's description gives them: `simple-user`,
//! `public-user`, the collaborator of `repository-collaborator-permission`.
use serde_json::{Value, json};

use super::contract::shaped;

/// The login Actions writes as with a workflow's `GITHUB_TOKEN`.
pub const ACTIONS_BOT: &str = "github-actions[bot]";

/// A stable id for `login` (GitHub's ids are numbers; `github-actions[bot]` is 41898282).
fn user_id(login: &str) -> u64 {
    if login == ACTIONS_BOT {
        return 41_898_282;
    }
    login
        .bytes()
        .fold(7u64, |h, b| (h * 31 + u64::from(b)) % 9_000_000)
        + 1_000_000
}

fn user_fields(login: &str, kind: &str) -> Value {
    let id = user_id(login);
    let api = format!("https://api.github.com/users/{login}");
    json!({
        "login": login, "id": id, "node_id": format!("U_{id}"), "type": kind,
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "gravatar_id": "", "url": api, "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{api}/followers"),
        "following_url": format!("{api}/following{{/other_user}}"),
        "gists_url": format!("{api}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/subscriptions"),
        "organizations_url": format!("{api}/orgs"),
        "repos_url": format!("{api}/repos"),
        "events_url": format!("{api}/events{{/privacy}}"),
        "received_events_url": format!("{api}/received_events"),
        "site_admin": false,
    })
}

/// `simple-user`: `login`, of `kind` `User` or `Bot`.
pub fn user(login: &str, kind: &str) -> Value {
    shaped("simple-user", user_fields(login, kind))
}

/// `public-user`, as `GET /user` answers for a personal token.
pub fn public_user(login: &str) -> Value {
    let mut fields = user_fields(login, "User");
    fields["user_view_type"] = json!("public");
    shaped("public-user", fields)
}

/// `repository-collaborator-permission` for `login` holding `role` (a base role, or a custom
/// one, which here inherits write).
pub fn permission(login: &str, role: &str) -> Value {
    let base = match role {
        "admin" | "maintain" | "write" | "triage" | "read" | "none" => role,
        _ => "write",
    };
    let permission = match base {
        "maintain" => "write",
        "triage" => "read",
        other => other,
    };
    let rank = ["none", "read", "triage", "write", "maintain", "admin"]
        .iter()
        .position(|r| *r == base)
        .unwrap_or(0);
    let mut collaborator = user_fields(login, "User");
    collaborator["role_name"] = json!(role);
    collaborator["permissions"] = json!({
        "pull": rank >= 1, "triage": rank >= 2, "push": rank >= 3,
        "maintain": rank >= 4, "admin": rank >= 5,
    });
    shaped(
        "repository-collaborator-permission",
        json!({ "permission": permission, "role_name": role, "user": collaborator }),
    )
}

/// The GitHub Actions app (`integration`), which performs what Actions does by itself (its
/// deployments and their statuses name it in `performed_via_github_app`).
pub fn actions_app() -> Value {
    let mut owner = user_fields("github", "Organization");
    owner["id"] = json!(9_919);
    shaped(
        "integration",
        json!({
            "id": 15_368, "slug": "github-actions", "node_id": "MDM6QXBwMTUzNjg=",
            "owner": owner, "name": "GitHub Actions",
            "description": "Automate your workflow from idea to production",
            "external_url": "https://help.github.com/en/actions",
            "html_url": "https://github.com/apps/github-actions",
            "created_at": "2018-07-30T09:30:17Z", "updated_at": "2024-04-10T20:33:16Z",
            "permissions": { "deployments": "write", "issues": "write", "metadata": "read" },
            "events": ["deployment", "deployment_status"],
        }),
    )
}
