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

#[tokio::test]
async fn an_environment_job_gets_the_deployment_actions_makes() {
    let fake = FakeGithub::start(TOKEN, None);
    let sha = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
    let id = fake.start_environment_job("production", "v1.2.0", sha, 4242);
    let deployment = fake.deployments().pop().unwrap();
    assert_eq!(deployment["id"], id);
    for (field, value) in [
        ("ref", json!("v1.2.0")),
        ("sha", json!(sha)),
        ("environment", json!("production")),
        ("task", json!("deploy")),
        ("payload", json!({})),
        ("production_environment", json!(true)),
        ("transient_environment", json!(false)),
    ] {
        assert_eq!(deployment[field], value, "{field}");
    }
    assert_eq!(deployment["creator"]["login"], "github-actions[bot]");
    assert_eq!(deployment["creator"]["type"], "Bot");
    assert_eq!(
        deployment["performed_via_github_app"]["slug"],
        "github-actions"
    );
    let states = |fake: &FakeGithub| -> Vec<(String, String)> {
        fake.statuses(id)
            .iter()
            .map(|s| {
                assert_eq!(s["target_url"], s["log_url"]);
                assert_eq!(s["performed_via_github_app"]["name"], "GitHub Actions");
                (
                    s["state"].as_str().unwrap().into(),
                    s["log_url"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let job = states(&fake)[0].1.clone();
    assert!(
        job.starts_with("https://github.com/acme/shop/actions/runs/4242/job/"),
        "{job}"
    );
    let expected = |list: &[&str]| -> Vec<(String, String)> {
        list.iter()
            .map(|s| ((*s).to_owned(), job.clone()))
            .collect()
    };
    assert_eq!(states(&fake), expected(&["queued", "in_progress"]));
    fake.finish_environment_job(id, false);
    assert_eq!(
        states(&fake),
        expected(&["queued", "in_progress", "failure"])
    );
    // Served through the API, newest status first, every answer as the description has it.
    let (status, listed, _) =
        send(&fake, "GET", &format!("/deployments/{id}/statuses"), None).await;
    assert_eq!(status, 200);
    assert_eq!(listed[0]["state"], "failure");
    let stage = fake.start_environment_job("stage", "main", sha, 4243);
    fake.finish_environment_job(stage, true);
    assert_eq!(
        fake.deployments().pop().unwrap()["production_environment"],
        false
    );
    assert_eq!(fake.statuses(stage).last().unwrap()["state"], "success");
}

#[tokio::test]
async fn deployments_are_listed_newest_first_filtered_and_paged() {
    let fake = FakeGithub::start(TOKEN, None);
    let (a, b) = ("a".repeat(40), "b".repeat(40));
    for (environment, git_ref, sha) in [
        ("stage", "v1.0.0", &a),
        ("stage", "v1.1.0", &b),
        ("production", "v1.0.0", &a),
    ] {
        let body = json!({ "ref": git_ref, "environment": environment,
            "required_contexts": [], "payload": { "sha": sha } });
        let (status, _, _) = send(&fake, "POST", "/deployments", Some(body)).await;
        assert_eq!(status, 201);
    }
    let refs = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["environment"].as_str().unwrap(),
                    d["ref"].as_str().unwrap()
                )
            })
            .collect()
    };
    let (_, all, _) = send(&fake, "GET", "/deployments", None).await;
    assert_eq!(
        refs(&all),
        ["production v1.0.0", "stage v1.1.0", "stage v1.0.0"]
    );
    let (_, stage, _) = send(&fake, "GET", "/deployments?environment=stage", None).await;
    assert_eq!(refs(&stage), ["stage v1.1.0", "stage v1.0.0"]);
    let (_, by_sha, _) = send(
        &fake,
        "GET",
        &format!("/deployments?sha={a}&ref=v1.0.0&task=deploy"),
        None,
    )
    .await;
    assert_eq!(refs(&by_sha), ["production v1.0.0", "stage v1.0.0"]);
    let (_, other_task, _) = send(&fake, "GET", "/deployments?task=deploy:migrations", None).await;
    assert_eq!(refs(&other_task), Vec::<String>::new());
    let (_, first, link) = send(&fake, "GET", "/deployments?per_page=2", None).await;
    assert_eq!(refs(&first), ["production v1.0.0", "stage v1.1.0"]);
    assert!(link.contains("per_page=2&page=2>; rel=\"next\""), "{link}");
    let (_, second, link) = send(&fake, "GET", "/deployments?per_page=2&page=2", None).await;
    assert_eq!(refs(&second), ["stage v1.0.0"]);
    assert!(
        link.contains("rel=\"prev\"") && !link.contains("rel=\"next\""),
        "{link}"
    );
}

#[tokio::test]
async fn the_repository_its_branches_and_the_checks_on_a_commit() {
    let fake = FakeGithub::start(TOKEN, None);
    let sha = "d00d00d00d00d00d00d00d00d00d00d00d00d00d";
    fake.set_default_branch("trunk");
    fake.set_branch("trunk", sha);
    fake.require_checks("trunk", &["build", "test"]);
    fake.add_tag("v2.0.0", sha);
    let (status, repo, _) = send(&fake, "GET", "", None).await;
    assert_eq!(
        (status, repo["default_branch"].clone()),
        (200, json!("trunk"))
    );
    let (status, branch, _) = send(&fake, "GET", "/branches/trunk", None).await;
    assert_eq!(status, 200);
    assert_eq!(branch["commit"]["sha"], sha);
    assert_eq!(
        branch["protection"]["required_status_checks"]["contexts"],
        json!(["build", "test"])
    );
    let (status, _, _) = send(&fake, "GET", "/branches/gone", None).await;
    assert_eq!(status, 404);

    fake.add_check_run(sha, "build", "completed", Some("success"));
    fake.add_check_run(sha, "test", "in_progress", None);
    let (status, runs, _) = send(&fake, "GET", "/commits/v2.0.0/check-runs", None).await;
    assert_eq!(status, 200);
    assert_eq!(runs["total_count"], 2);
    let (_, done, _) = send(
        &fake,
        "GET",
        &format!("/commits/{sha}/check-runs?status=completed"),
        None,
    )
    .await;
    assert_eq!(done["check_runs"][0]["name"], "build");
    assert_eq!(done["check_runs"][0]["conclusion"], "success");
    let (_, named, _) = send(
        &fake,
        "GET",
        "/commits/trunk/check-runs?check_name=test",
        None,
    )
    .await;
    assert_eq!(named["check_runs"][0]["status"], "in_progress");
    fake.add_check_run(sha, "test", "completed", Some("failure"));
    let (_, latest, _) = send(&fake, "GET", "/commits/trunk/check-runs", None).await;
    assert_eq!(
        latest["total_count"], 2,
        "the latest run of each name: {latest}"
    );
    assert_eq!(latest["check_runs"][1]["conclusion"], "failure");
    let (_, all, _) = send(&fake, "GET", "/commits/trunk/check-runs?filter=all", None).await;
    assert_eq!(all["total_count"], 3);

    let (_, combined, _) = send(&fake, "GET", "/commits/v2.0.0/status", None).await;
    assert_eq!(
        (combined["state"].clone(), combined["total_count"].clone()),
        (json!("pending"), json!(0))
    );
    fake.add_commit_status(sha, "ci/lint", "failure");
    fake.add_commit_status(sha, "ci/lint", "success");
    fake.add_commit_status(sha, "ci/docs", "success");
    let (_, combined, _) = send(&fake, "GET", "/commits/v2.0.0/status", None).await;
    assert_eq!(
        combined["state"], "success",
        "the latest per context counts"
    );
    assert_eq!(combined["total_count"], 2);
    fake.add_commit_status(sha, "ci/docs", "error");
    let (_, combined, _) = send(&fake, "GET", "/commits/v2.0.0/status", None).await;
    assert_eq!(combined["state"], "failure");
}

#[tokio::test]
async fn an_edited_comment_moves_its_updated_at() {
    let fake = FakeGithub::start(TOKEN, None);
    let issue = fake.seed_issue("Deploy v1.0.0", "", false);
    let (comment, created) = fake.seed_comment(issue, "/promote production", "alice", "User");
    fake.edit_comment(comment, "/promote stage");
    let (_, comments, _) = send(&fake, "GET", &format!("/issues/{issue}/comments"), None).await;
    assert_eq!(comments[0]["body"], "/promote stage");
    assert_eq!(comments[0]["created_at"], created.as_str());
    assert!(comments[0]["updated_at"].as_str().unwrap() > created.as_str());
    let path = format!("/issues/comments/{comment}");
    let (status, one, _) = send(&fake, "GET", &path, None).await;
    assert_eq!(
        (status, one["body"].clone()),
        (200, json!("/promote stage"))
    );
    let edit = json!({ "body": "/promote production" });
    let (status, edited, _) = send(&fake, "PATCH", &path, Some(edit)).await;
    assert_eq!(
        (status, edited["body"].clone()),
        (200, json!("/promote production"))
    );
    assert!(edited["updated_at"].as_str() > one["updated_at"].as_str());
}

#[test]
fn a_success_makes_earlier_successes_of_a_non_production_environment_inactive() {
    let fake = FakeGithub::start(TOKEN, None);
    let sha = "e".repeat(40);
    let jobs: Vec<u64> = [
        ("stage", 1),
        ("stage", 2),
        ("production", 3),
        ("production", 4),
    ]
    .into_iter()
    .map(|(environment, run)| {
        let id = fake.start_environment_job(environment, "main", &sha, run);
        fake.finish_environment_job(id, true);
        id
    })
    .collect();
    let last = |id: u64| fake.statuses(id).last().unwrap()["state"].clone();
    assert_eq!(last(jobs[0]), "inactive", "an earlier stage success");
    assert_eq!(last(jobs[1]), "success");
    assert_eq!(
        last(jobs[2]),
        "success",
        "production is never made inactive"
    );
    assert_eq!(last(jobs[3]), "success");
}

#[test]
fn a_description_not_installed_fails_loudly_with_the_command_that_installs_it() {
    let missing = std::panic::catch_unwind(|| {
        crate::fake_server::openapi::installed(".tools/node/node_modules/@octokit/none.json")
    });
    let message = *missing.err().unwrap().downcast::<String>().unwrap();
    assert!(
        message.contains("@octokit/none.json is missing") && message.contains("scripts/tools.sh"),
        "{message}"
    );
}

#[tokio::test]
async fn a_deployment_waits_for_the_commit_s_status_checks_unless_told_not_to() {
    let fake = FakeGithub::start(TOKEN, None);
    let sha = "f".repeat(40);
    fake.add_tag("v3.0.0", &sha);
    fake.add_commit_status(&sha, "ci/test", "pending");
    fake.add_commit_status(&sha, "ci/lint", "success");
    let create = |required: Option<Value>| {
        let mut body = json!({ "ref": "v3.0.0", "environment": "stage", "auto_merge": false });
        if let Some(required) = required {
            body["required_contexts"] = required;
        }
        body
    };
    let (status, answer, _) = send(&fake, "POST", "/deployments", Some(create(None))).await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("ci/test"),
        "{answer}"
    );
    let (status, _, _) = send(
        &fake,
        "POST",
        "/deployments",
        Some(create(Some(json!(["ci/test"])))),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _, _) = send(
        &fake,
        "POST",
        "/deployments",
        Some(create(Some(json!(["ci/lint"])))),
    )
    .await;
    assert_eq!(status, 201);
    let (status, made, _) =
        send(&fake, "POST", "/deployments", Some(create(Some(json!([]))))).await;
    assert_eq!((status, made["sha"].clone()), (201, json!(sha)));
    fake.add_commit_status(&sha, "ci/test", "success");
    let (status, _, _) = send(&fake, "POST", "/deployments", Some(create(None))).await;
    assert_eq!(status, 201);
}

/// Uploads `bytes` as asset `name` of release `id`, with `content_type` when given.
async fn upload(
    fake: &FakeGithub,
    id: &Value,
    name: &str,
    content_type: Option<&str>,
    bytes: &'static [u8],
) -> (u16, Value) {
    let url = format!("{}/repos/{REPO}/releases/{id}/assets", fake.url());
    let mut request = client()
        .post(url)
        .query(&[("name", name)])
        .bearer_auth(TOKEN)
        .header("user-agent", "shipgate-tests")
        .body(bytes);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn drafts_share_a_tag_and_only_a_published_release_holds_it() {
    let fake = FakeGithub::start(TOKEN, None);
    let sha = "a1".repeat(20);
    fake.set_branch("main", &sha);
    fake.add_tag("v1.0.0", &sha);
    let draft = json!({ "tag_name": "v1.0.0", "name": "v1.0.0", "body": "notes", "draft": true });
    let (status, first, _) = send(&fake, "POST", "/releases", Some(draft.clone())).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["published_at"], Value::Null);
    let page = first["html_url"].as_str().unwrap();
    assert!(page.contains("/releases/tag/untagged-"), "{page}");
    let (status, second, _) = send(&fake, "POST", "/releases", Some(draft)).await;
    assert_eq!(status, 201, "drafts do not hold their tag: {second}");
    let (status, _, _) = send(&fake, "GET", "/releases/tags/v1.0.0", None).await;
    assert_eq!(status, 404, "a draft is never found by its tag");
    let (_, listed, link) = send(&fake, "GET", "/releases?per_page=1", None).await;
    assert_eq!(listed[0]["id"], second["id"], "newest first, drafts listed");
    assert!(link.contains("rel=\"next\""), "{link}");

    let publish = json!({ "draft": false });
    let path = |release: &Value| format!("/releases/{}", release["id"]);
    let (status, published, _) = send(&fake, "PATCH", &path(&first), Some(publish.clone())).await;
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["draft"], false);
    assert!(published["published_at"].is_string());
    let page = published["html_url"].as_str().unwrap();
    assert!(page.ends_with("/releases/tag/v1.0.0"), "{page}");
    for (method, at, body) in [
        ("PATCH", path(&second), publish),
        (
            "POST",
            "/releases".to_owned(),
            json!({ "tag_name": "v1.0.0" }),
        ),
    ] {
        let (status, refused, _) = send(&fake, method, &at, Some(body)).await;
        assert_eq!(status, 422, "{method} {at}: {refused}");
        assert_eq!(refused["errors"][0]["code"], "already_exists");
    }
    let (status, found, _) = send(&fake, "GET", "/releases/tags/v1.0.0", None).await;
    assert_eq!((status, found["id"].clone()), (200, first["id"].clone()));

    // Publishing a release of a missing tag makes the tag at the default branch's head.
    assert!(!fake.has_tag("v2.0.0"));
    let (status, _, _) = send(
        &fake,
        "POST",
        "/releases",
        Some(json!({ "tag_name": "v2.0.0" })),
    )
    .await;
    assert_eq!(status, 201);
    assert!(fake.has_tag("v2.0.0"));
    assert_eq!(fake.releases().len(), 3);
    assert!(fake.take_violations().is_empty());
}

#[tokio::test]
async fn assets_are_uploaded_as_raw_bytes_kept_and_deleted() {
    let fake = FakeGithub::start(TOKEN, None);
    fake.add_tag("v1.0.0", &"b2".repeat(20));
    let new = json!({ "tag_name": "v1.0.0", "draft": true });
    let (_, release, _) = send(&fake, "POST", "/releases", Some(new)).await;
    let id = &release["id"];
    let octets = Some("application/octet-stream");
    let (status, asset) = upload(&fake, id, "shop.tar.gz", octets, b"\x1f\x8b\x00{not json").await;
    assert_eq!(status, 201, "{asset}");
    assert_eq!(asset["size"], 12);
    assert_eq!(asset["state"], "uploaded");
    assert_eq!(asset["content_type"], "application/octet-stream");
    let digest = format!("sha256:{}", {
        use sha2::Digest as _;
        let sum = sha2::Sha256::digest(b"\x1f\x8b\x00{not json");
        sum.iter().map(|b| format!("{b:02x}")).collect::<String>()
    });
    assert_eq!(asset["digest"], digest.as_str());
    let release_id = id.as_u64().unwrap();
    assert_eq!(
        fake.asset_bytes(release_id, "shop.tar.gz").unwrap(),
        b"\x1f\x8b\x00{not json"
    );
    let (status, _) = upload(&fake, id, "shop.tar.gz", octets, b"again").await;
    assert_eq!(status, 422, "a name the release already has");
    let (status, renamed) = upload(&fake, id, "my shop.zip", Some("application/zip"), b"z").await;
    assert_eq!(
        (status, renamed["name"].clone()),
        (201, json!("my.shop.zip"))
    );
    assert!(fake.take_violations().is_empty());

    let (status, refused) = upload(&fake, id, "bare.bin", None, b"no type").await;
    assert_eq!(status, 415, "{refused}");
    let violations = fake.take_violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].contains("Content-Type"), "{violations:?}");

    let (_, listed, _) = send(&fake, "GET", &format!("/releases/{id}/assets"), None).await;
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["shop.tar.gz", "my.shop.zip"]);
    let gone = format!("/releases/assets/{}", asset["id"]);
    let (status, _, _) = send(&fake, "DELETE", &gone, None).await;
    assert_eq!(status, 204);
    let (status, _, _) = send(&fake, "DELETE", &gone, None).await;
    assert_eq!(status, 404);
    let (_, one, _) = send(&fake, "GET", &format!("/releases/{id}"), None).await;
    assert_eq!(one["assets"].as_array().unwrap().len(), 1);
    assert!(fake.asset_bytes(release_id, "shop.tar.gz").is_none());
}
