//! The event payloads GitHub sends a workflow (`issue_comment`, `workflow_dispatch`), built
//! from the fake's own issues and comments and checked against GitHub's webhook descriptions
//! (`@octokit/openapi-webhooks`, installed by `scripts/tools.sh`) before a test feeds them in.
use std::sync::OnceLock;

use serde_json::{Value, json};

use super::{FakeGithub, REPO, objects};
use crate::fake_server::openapi::{Description, installed, merge};

/// The webhook description of api.github.com, inside the pinned npm package.
const DESCRIPTION: &str =
    ".tools/node/node_modules/@octokit/openapi-webhooks/generated/api.github.com.json";

/// GitHub's webhook description, read once per test process.
fn description() -> &'static Description {
    static LOADED: OnceLock<Description> = OnceLock::new();
    LOADED.get_or_init(|| installed(DESCRIPTION))
}

/// Panics unless `payload` is what GitHub sends for webhook `name` (`issue-comment-created`,
/// `workflow-dispatch`, … as the description names them).
pub fn assert_event(name: &str, payload: &Value) {
    let pointer = format!("/webhooks/{name}/post/requestBody/content/application~1json/schema");
    let schema = description()
        .at(&pointer)
        .unwrap_or_else(|| panic!("no webhook {name} in GitHub's description"));
    if let Err(e) = description().check(schema, payload) {
        panic!("not a {name} event as GitHub sends it: {e}\n{payload:#}");
    }
}

/// `components/schemas/{name}` of the webhook description, smallest, with `overlay` over it.
fn shaped(name: &str, overlay: Value) -> Value {
    let mut value = description().skeleton(&format!("/components/schemas/{name}"));
    merge(&mut value, overlay);
    value
}

fn repository() -> Value {
    let mut owner = objects::user("acme", "Organization");
    owner["url"] = json!("https://api.github.com/users/acme");
    shaped(
        "repository-webhooks",
        json!({
            "id": 1296269, "node_id": "R_shop", "name": "shop", "full_name": REPO,
            "owner": owner, "private": true, "default_branch": "main",
            "html_url": format!("https://github.com/{REPO}"),
            "url": format!("https://api.github.com/repos/{REPO}"),
            "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-03-02T08:00:00Z",
            "pushed_at": "2026-03-02T08:00:00Z",
        }),
    )
}

impl FakeGithub {
    /// The `issue_comment` event (`created`) GitHub sends for comment `comment_id` on issue
    /// `issue`, both as the fake holds them; checked against the webhook description.
    pub fn comment_event(&self, issue: u64, comment_id: u64) -> Value {
        let issue_value = self
            .issues()
            .into_iter()
            .find(|i| i["number"] == issue)
            .expect("an issue the fake holds");
        let comment = self.comment(comment_id).expect("a comment the fake holds");
        let payload = shaped(
            "webhook-issue-comment-created",
            json!({
                "action": "created", "issue": issue_value, "comment": comment.clone(),
                "repository": repository(), "sender": comment["user"],
            }),
        );
        assert_event("issue-comment-created", &payload);
        payload
    }

    /// The `push` event GitHub sends when `login` pushes `git_ref` (`refs/tags/v1.0.0`) from
    /// `before` to `after` (a new ref: `before` all zeros); checked against the webhook
    /// description.
    pub fn push_event(&self, git_ref: &str, before: &str, after: &str, login: &str) -> Value {
        let created = before.bytes().all(|b| b == b'0');
        let mut repository = repository();
        repository["pushed_at"] = json!(1_772_438_400);
        repository["created_at"] = json!(1_767_603_600);
        let payload = shaped(
            "webhook-push",
            json!({
                "ref": git_ref, "before": before, "after": after, "created": created,
                "deleted": false, "forced": false, "base_ref": null, "commits": [],
                "head_commit": null,
                "compare": format!("https://github.com/{REPO}/compare/{before}...{after}"),
                "repository": repository, "pusher": { "name": login },
                "sender": objects::user(login, "User"),
            }),
        );
        assert_event("push", &payload);
        payload
    }

    /// The `workflow_dispatch` event GitHub sends when `workflow` (a file under
    /// `.github/workflows/`) is dispatched at `git_ref` (`refs/tags/v1.0.0`) with `inputs` by
    /// `login`; checked against the webhook description.
    pub fn dispatch_event(
        &self,
        workflow: &str,
        git_ref: &str,
        inputs: &Value,
        login: &str,
    ) -> Value {
        let payload = json!({
            "inputs": inputs, "ref": git_ref, "repository": repository(),
            "sender": objects::user(login, "User"),
            "workflow": format!(".github/workflows/{workflow}"),
        });
        assert_event("workflow-dispatch", &payload);
        payload
    }
}
