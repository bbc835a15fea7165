//! The fake GitHub holds to GitHub's own definitions: it refuses (and reports) the requests
//! GitHub's OpenAPI description refuses, checks its answers against it, builds event payloads
//! the webhook description accepts, and does what Actions does by itself for environment jobs.
use serde_json::{Value, json};

use crate::fake_github::contract::description;
use crate::fake_github::webhooks::assert_event;
use crate::fake_github::{FakeGithub, REPO};

const TOKEN: &str = "ghs_contract";

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn send(
    fake: &FakeGithub,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value, String) {
    let url = format!("{}/repos/{REPO}{path}", fake.url());
    let mut request = client()
        .request(method.parse().unwrap(), url)
        .bearer_auth(TOKEN)
        .header("user-agent", "shipgate-tests");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let link = response
        .headers()
        .get("link")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        link,
    )
}

#[tokio::test]
async fn requests_the_description_refuses_are_answered_as_github_would_and_reported() {
    let fake = FakeGithub::start(TOKEN, None);
    let issue = fake.seed_issue("Deploy v1.0.0", "", false);
    let (comment, _) = fake.seed_comment(issue, "/promote production", "alice", "User");
    let refused = [
        (
            "GET",
            "/issues?state=opened".to_owned(),
            None,
            422,
            "query parameter state",
        ),
        (
            "GET",
            "/issues?sorting=created".to_owned(),
            None,
            422,
            "\"sorting\" is not one",
        ),
        (
            "GET",
            "/issues/first".to_owned(),
            None,
            422,
            "issue_number=\"first\"",
        ),
        (
            "POST",
            format!("/issues/comments/{comment}/reactions"),
            Some(json!({ "content": "thumbs_up" })),
            422,
            "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions: request body",
        ),
        (
            "POST",
            "/deployments/7000/statuses".to_owned(),
            Some(json!({ "state": "done" })),
            422,
            "/state",
        ),
        (
            "POST",
            "/actions/workflows/deploy.yml/dispatches".to_owned(),
            Some(json!({ "inputs": {} })),
            422,
            "\"ref\" is a required property",
        ),
        (
            "POST",
            "/deployments".to_owned(),
            Some(json!({ "ref": "v1.0.0", "env": "stage" })),
            422,
            "property \"env\" is not in the schema",
        ),
        (
            "PUT",
            format!("/issues/{issue}/comments"),
            None,
            404,
            "no such operation",
        ),
    ];
    for (method, path, body, status, names) in refused {
        let (got, answer, _) = send(&fake, method, &path, body).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        let text = answer["message"].as_str().unwrap_or_default();
        assert!(text.contains(names), "{method} {path}: {text}");
        let violations = fake.take_violations();
        assert_eq!(violations.len(), 1, "{method} {path}: {violations:?}");
        assert!(violations[0].contains(names), "{violations:?}");
    }
    // What the description allows passes, and leaves nothing to report.
    let (got, _, _) = send(&fake, "GET", "/issues?state=all&per_page=100", None).await;
    assert_eq!(got, 200);
    assert!(fake.take_violations().is_empty());
}

#[test]
fn answers_are_held_to_the_documented_status_and_schema() {
    let spec = description();
    let error = "/components/schemas/basic-error";
    let path = format!("/repos/{REPO}/issues/1");
    let missing = spec.check_response("GET", &path, 200, br#"{"number": 1}"#, error);
    let missing = missing.unwrap_err();
    assert!(
        missing.contains("GET /repos/{owner}/{repo}/issues/{issue_number} answered 200")
            && missing.contains("\"title\" is a required property"),
        "{missing}"
    );
    let undocumented = spec.check_response("GET", &path, 202, b"{}", error);
    assert!(
        undocumented
            .unwrap_err()
            .contains("status 202 is not a documented answer")
    );
    // Errors GitHub gives everywhere (a 404 for a missing deployment) have its error shape.
    let statuses = format!("/repos/{REPO}/deployments/1/statuses");
    let not_found =
        br#"{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}"#;
    assert!(
        spec.check_response("POST", &statuses, 404, not_found, error)
            .is_ok()
    );
    assert!(
        spec.check_response("POST", &statuses, 404, b"[1]", error)
            .is_err()
    );
}

#[test]
fn event_payloads_are_checked_against_the_webhook_description() {
    let fake = FakeGithub::start(TOKEN, None);
    let issue = fake.seed_issue("Deploy v1.0.0", "", false);
    let (comment, _) = fake.seed_comment(issue, "/promote production", "alice", "User");
    let event = fake.comment_event(issue, comment);
    assert_eq!(event["comment"]["user"]["login"], "alice");
    assert_eq!(event["issue"]["number"], issue);
    let mut broken = event.clone();
    broken["comment"].as_object_mut().unwrap().remove("user");
    let refused = std::panic::catch_unwind(|| assert_event("issue-comment-created", &broken));
    assert!(
        refused.is_err(),
        "a comment without its user is not an event GitHub sends"
    );

    let dispatch = fake.dispatch_event(
        "deploy.yml",
        "refs/tags/v1.0.0",
        &json!({ "environment": "production" }),
        "alice",
    );
    assert_eq!(dispatch["workflow"], ".github/workflows/deploy.yml");
    let mut broken = dispatch;
    broken["ref"] = json!(7);
    let refused = std::panic::catch_unwind(|| assert_event("workflow-dispatch", &broken));
    assert!(refused.is_err(), "a ref is a string");
}
