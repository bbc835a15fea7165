//! The fake itself, over HTTP: GitLab's rules refuse what GitLab refuses, environment jobs make
//! their own deployments, lists filter, order and page as GitLab's finders do.
use serde_json::{Value, json};

use super::{EnvironmentJob, FakeGitlab, rules};

const TOKEN: &str = "glpat-fake-tests";

async fn call(fake: &FakeGitlab, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}/projects/42{path}", fake.api_url());
    let client = reqwest::Client::new();
    let mut request = client
        .request(method.parse().unwrap(), url)
        .header("PRIVATE-TOKEN", TOKEN);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn page(fake: &FakeGitlab, path: &str) -> (Vec<Value>, reqwest::header::HeaderMap) {
    let url = format!("{}/projects/42{path}", fake.api_url());
    let response = reqwest::Client::new()
        .get(url)
        .header("PRIVATE-TOKEN", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (response.json().await.unwrap(), headers)
}

fn deployment(environment: &str, git_ref: &str, status: &str) -> Option<Value> {
    Some(
        json!({ "environment": environment, "sha": format!("{git_ref}-sha"), "ref": git_ref,
        "tag": true, "status": status }),
    )
}

const START: &str = "<!-- rule table: tests/it/fake_gitlab/rules.rs -->";
const END: &str = "<!-- end of the rule table -->";

/// `SHIPGATE_BLESS_DOCS=1` rewrites the table in the docs from the rules.
#[test]
fn the_docs_hold_the_rule_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/fake-gitlab.md");
    let docs = std::fs::read_to_string(path).unwrap_or_default();
    let table = rules::markdown();
    if std::env::var_os("SHIPGATE_BLESS_DOCS").is_some() {
        let (head, rest) = docs.split_once(START).expect("the start marker");
        let (_, tail) = rest.split_once(END).expect("the end marker");
        std::fs::write(path, format!("{head}{START}\n{table}{END}{tail}")).unwrap();
        return;
    }
    assert!(
        docs.contains(&table),
        "docs/fake-gitlab.md must hold the table the fake is built from:\n{table}"
    );
    assert!(rules::ENDPOINTS.len() >= 21 && rules::rule_count() > 150);
}

#[tokio::test]
async fn refusals_are_answered_as_gitlab_does_and_recorded() {
    let fake = FakeGitlab::start(TOKEN, "bot");
    let (status, body) = call(
        &fake,
        "POST",
        "/deployments",
        deployment("stage", "v1", "created"),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "error": "status does not have a valid value" })
        )
    );
    let (status, body) = call(
        &fake,
        "POST",
        "/deployments",
        Some(json!({"status": "running"})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "error": "environment is missing, sha is missing, ref is missing, tag is missing" })
        )
    );
    let (status, _) = call(&fake, "GET", "/deployments?status=done", None).await;
    assert_eq!(status, 400);
    let taken = fake.take_violations();
    assert_eq!(taken.len(), 3, "{taken:#?}");
    assert!(taken[0].contains("lib/api/deployments.rb"), "{taken:#?}");
    assert!(
        taken[0].starts_with("POST /api/v4/projects/42/deployments: request refused"),
        "{taken:#?}"
    );
    assert!(fake.deployments().is_empty(), "nothing refused was done");

    fake.set_token_role(20);
    let (status, body) = call(
        &fake,
        "POST",
        "/deployments",
        deployment("stage", "v1", "running"),
    )
    .await;
    assert_eq!((status, body), (403, json!({ "message": "403 Forbidden" })));
    fake.set_token_role(0);
    let (status, body) = call(&fake, "GET", "/deployments", None).await;
    assert_eq!(
        (status, body),
        (404, json!({ "message": "404 Project Not Found" }))
    );
    assert_eq!(fake.take_violations().len(), 2);

    fake.set_token_role(30);
    let (status, _) = call(&fake, "GET", "/deployments?environment=stage&ref=v1", None).await;
    assert_eq!(
        status, 200,
        "GitLab ignores a parameter it does not declare"
    );
    let taken = fake.take_violations();
    assert!(
        taken[0].contains("declares no parameter `ref`"),
        "{taken:#?}"
    );
}

#[test]
#[should_panic(expected = "the fake GitLab: requests or answers its vendor's definition refuses")]
fn a_violation_nobody_took_fails_the_test() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fake = FakeGitlab::start(TOKEN, "bot");
    runtime.block_on(call(&fake, "PUT", "/issues/1", Some(json!({})))); // at_least_one_of
    drop(fake);
}

#[tokio::test]
async fn an_environment_job_makes_its_own_deployment_and_gitlab_alone_updates_it() {
    let fake = FakeGitlab::start(TOKEN, "bot");
    fake.add_user("maria");
    let pipeline = fake.add_pipeline("v1.2.0", "c0ffee", "running");
    let job = EnvironmentJob {
        id: Some(4242),
        name: "shipgate-production-deploy",
        environment: "production",
        git_ref: "v1.2.0",
        sha: "c0ffee",
        pipeline,
    };
    let (job_id, id) = fake.start_environment_job(&job);
    assert_eq!(job_id, 4242);
    let (listed, _) = page(&fake, "/deployments?environment=production").await;
    let d = &listed[0];
    assert_eq!(
        (d["id"].as_u64(), d["status"].as_str()),
        (Some(id), Some("running"))
    );
    assert_eq!(d["deployable"]["id"], 4242);
    assert_eq!(d["deployable"]["name"], "shipgate-production-deploy");
    assert_eq!(d["deployable"]["pipeline"]["id"], pipeline);
    assert_eq!(d["user"]["username"], "bot", "the pipeline's user");
    assert_eq!(
        (d["ref"].as_str(), d["sha"].as_str()),
        (Some("v1.2.0"), Some("c0ffee"))
    );

    let (status, body) = call(
        &fake,
        "PUT",
        &format!("/deployments/{id}"),
        Some(json!({"status": "success"})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body["message"],
        "403 Forbidden - Deployments created using GitLab CI can not be updated using the API"
    );
    assert_eq!(fake.take_violations().len(), 1);

    fake.finish_environment_job(4242, false);
    let (_, d) = call(&fake, "GET", &format!("/deployments/{id}"), None).await;
    assert_eq!(
        (d["status"].as_str(), d["deployable"]["status"].as_str()),
        (Some("failed"), Some("failed"))
    );
    assert!(
        d.get("finished_at").is_none(),
        "Entities::Deployment has none"
    );
    assert!(
        fake.deployments()[0]["finished_at"].is_string(),
        "held for the finder"
    );
}

#[tokio::test]
async fn api_deployments_move_as_the_state_machine_lets_them() {
    let fake = FakeGitlab::start(TOKEN, "bot");
    let (status, body) = call(
        &fake,
        "POST",
        "/deployments",
        deployment("stage", "v1", "running"),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "message": { "ref": ["The branch or tag does not exist"] } })
        )
    );
    fake.add_commit("v1");
    let (status, body) = call(
        &fake,
        "POST",
        "/deployments",
        deployment("stage", "v1", "running"),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "message": { "sha": ["The commit does not exist"] } })
        )
    );
    assert_eq!(fake.take_violations().len(), 2);
    fake.add_tag("v1", "v1-sha");
    let (status, d) = call(
        &fake,
        "POST",
        "/deployments",
        deployment("stage", "v1", "running"),
    )
    .await;
    assert_eq!((status, d["status"].as_str()), (201, Some("running")));
    let put = |status: &str| Some(json!({ "status": status }));
    let path = format!("/deployments/{}", d["id"]);
    let (code, body) = call(&fake, "PUT", &path, put("running")).await;
    assert_eq!(
        (code, body),
        (200, Value::Null),
        "running to running: nothing moves"
    );
    assert!(fake.take_violations()[0].contains("no transition from running to running"));
    let (_, d) = call(&fake, "PUT", &path, put("success")).await;
    assert_eq!(d["status"], "success");
    // The environment's last success, asked again: `Deployments::CreateService` returns it.
    let (_, again) = call(
        &fake,
        "POST",
        "/deployments",
        deployment("stage", "v1", "success"),
    )
    .await;
    assert_eq!(again["id"], d["id"]);
    assert_eq!(fake.deployments().len(), 1);
}

#[tokio::test]
async fn deployments_filter_order_and_page_as_the_finder_does() {
    let fake = FakeGitlab::start(TOKEN, "bot");
    for tag in ["v1", "v2", "v3"] {
        fake.add_tag(tag, &format!("{tag}-sha"));
    }
    let mut ids = Vec::new();
    for (env, tag) in [
        ("stage", "v1"),
        ("production", "v1"),
        ("stage", "v2"),
        ("stage", "v3"),
    ] {
        let (_, d) = call(
            &fake,
            "POST",
            "/deployments",
            deployment(env, tag, "running"),
        )
        .await;
        ids.push(d["id"].as_u64().unwrap());
    }
    fake.set_deployment_updated_at(ids[0], "2026-03-02T09:00:00.000Z");
    let (items, headers) = page(
        &fake,
        "/deployments?environment=stage&order_by=id&sort=desc&per_page=2",
    )
    .await;
    let got: Vec<_> = items.iter().map(|d| d["ref"].as_str().unwrap()).collect();
    assert_eq!(got, ["v3", "v2"]);
    assert_eq!(headers["x-total"], "3");
    assert_eq!(headers["x-next-page"], "2");
    assert_eq!(headers["x-total-pages"], "2");
    let (items, headers) = page(
        &fake,
        "/deployments?environment=stage&order_by=id&sort=desc&per_page=2&page=2",
    )
    .await;
    assert_eq!(items[0]["ref"], "v1");
    assert_eq!(headers["x-next-page"], "");

    let (items, _) = page(
        &fake,
        "/deployments?updated_after=2026-03-02T08:30:00Z&order_by=updated_at",
    )
    .await;
    assert_eq!(items.len(), 1, "only the one updated at 09:00");
    assert_eq!(items[0]["id"], ids[0]);
    let (items, _) = page(&fake, "/deployments?status=running&order_by=ref&sort=desc").await;
    assert_eq!(items[0]["ref"], "v3");

    let (status, body) = call(&fake, "GET", "/deployments?finished_after=2026-03-01", None).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "message": "400 Bad request - `finished_at` filter and `finished_at` sorting must be paired" })
        )
    );
    assert_eq!(fake.take_violations().len(), 1);
}

#[tokio::test]
async fn pipelines_filter_and_read_one() {
    let fake = FakeGitlab::start(TOKEN, "bot");
    let a = fake.add_pipeline("v1", "aaa", "success");
    let b = fake.add_pipeline("v1", "bbb", "failed");
    let c = fake.add_pipeline("main", "ccc", "running");
    let ids = |items: Vec<Value>| -> Vec<u64> {
        items.iter().map(|p| p["id"].as_u64().unwrap()).collect()
    };
    assert_eq!(
        ids(page(&fake, "/pipelines").await.0),
        [c, b, a],
        "newest first"
    );
    assert_eq!(
        ids(page(&fake, "/pipelines?ref=v1&status=success").await.0),
        [a]
    );
    assert_eq!(
        ids(page(&fake, "/pipelines?scope=finished&sort=asc").await.0),
        [a, b]
    );
    assert_eq!(
        ids(page(&fake, "/pipelines?scope=tags&sha=bbb").await.0),
        [b]
    );
    fake.set_pipeline_status(c, "success");
    let (_, one) = call(&fake, "GET", &format!("/pipelines/{c}"), None).await;
    assert_eq!(
        (one["status"].as_str(), one["ref"].as_str()),
        (Some("success"), Some("main"))
    );
    let (status, _) = call(&fake, "GET", "/pipelines?scope=everything", None).await;
    assert_eq!(status, 400);
    assert_eq!(fake.take_violations().len(), 1);
    assert!(
        fake.pipelines().is_empty(),
        "none was created through the API"
    );
}

#[tokio::test]
async fn an_edited_note_reads_back_later_updated_at() {
    let fake = FakeGitlab::start(TOKEN, "bot");
    let iid = fake.seed_issue("Deploy v1", "body", "bot");
    let first = fake.seed_note(iid, "/promote production", "maria", false);
    let second = fake.seed_note(iid, "/promote stage", "maria", false);
    fake.edit_note(first, "/promote production please");
    let (notes, _) = page(
        &fake,
        &format!("/issues/{iid}/notes?order_by=updated_at&sort=asc"),
    )
    .await;
    let ids: Vec<_> = notes.iter().map(|n| n["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [second, first], "the edited note was updated last");
    let n = &notes[1];
    assert_eq!(n["body"], "/promote production please");
    assert!(n["updated_at"].as_str() > n["created_at"].as_str(), "{n}");
    let (notes, _) = page(&fake, &format!("/issues/{iid}/notes")).await;
    assert_eq!(
        notes[0]["id"], second,
        "created_at, newest first by default"
    );
}

#[tokio::test]
async fn faults_paging_and_the_request_log_come_from_the_kit() {
    let fake = FakeGitlab::start(TOKEN, "bot");
    let iid = fake.seed_issue("Deploy v1", "body", "bot");
    let note = fake.seed_note(iid, "/promote stage", "maria", false);
    fake.fail("POST", "/notes$", super::Fault::ServerError, 1);
    let award = format!("/issues/{iid}/notes/{note}/award_emoji");
    let (status, _) = call(&fake, "POST", &award, Some(json!({"name": "eyes"}))).await;
    assert_eq!(status, 201, "`$` anchors the fault at the path's end");
    let notes = format!("/issues/{iid}/notes");
    let (status, body) = call(&fake, "POST", &notes, Some(json!({"body": "hi"}))).await;
    assert_eq!(
        (status, body),
        (500, json!({ "message": "500 Internal Server Error" }))
    );
    fake.fail(
        "GET",
        "/issues/",
        super::Fault::Status(400, "400 Bad request - x"),
        1,
    );
    let (status, body) = call(&fake, "GET", &format!("/issues/{iid}"), None).await;
    assert_eq!(
        (status, body),
        (400, json!({ "message": "400 Bad request - x" }))
    );
    let seen: Vec<_> = fake.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(seen, ["POST", "POST", "GET"]);

    fake.seed_note(iid, "/promote production", "maria", false);
    fake.link_only(true);
    let (_, headers) = page(&fake, &format!("{notes}?per_page=1")).await;
    assert!(headers.get("x-next-page").is_none());
    assert!(headers["link"].to_str().unwrap().contains("rel=\"next\""));
}

#[tokio::test]
async fn merge_request_notes_are_edited_by_their_author_only() {
    let fake = FakeGitlab::start(TOKEN, "project_42_bot");
    let iid = fake.seed_merge_request();
    let theirs = fake.seed_mr_note(iid, "looks good", "alice");
    let (status, mine) = call(
        &fake,
        "POST",
        &format!("/merge_requests/{iid}/notes"),
        Some(json!({ "body": "preview" })),
    )
    .await;
    assert_eq!(
        (status, mine["noteable_type"].as_str()),
        (201, Some("MergeRequest"))
    );
    let mine = mine["id"].as_u64().unwrap();
    let (status, edited) = call(
        &fake,
        "PUT",
        &format!("/merge_requests/{iid}/notes/{mine}"),
        Some(json!({ "body": "preview, again" })),
    )
    .await;
    assert_eq!(
        (status, edited["body"].as_str()),
        (200, Some("preview, again"))
    );

    let (status, _) = call(
        &fake,
        "PUT",
        &format!("/merge_requests/{iid}/notes/{theirs}"),
        Some(json!({ "body": "mine now" })),
    )
    .await;
    assert_eq!(status, 403);
    let (status, answer) = call(
        &fake,
        "PUT",
        &format!("/merge_requests/{iid}/notes/{mine}"),
        Some(json!({ "body": "  " })),
    )
    .await;
    assert_eq!((status, answer), (400, json!({ "error": "body is empty" })));
    let (status, _) = call(&fake, "GET", "/merge_requests/9/notes", None).await;
    assert_eq!(status, 404);
    let violations = fake.take_violations();
    assert_eq!(violations.len(), 2, "{violations:#?}");
    assert!(violations[0].contains("admin_note"), "{violations:#?}");
    assert!(violations[1].contains("body is empty"), "{violations:#?}");
    assert_eq!(fake.mr_notes(iid)[0]["body"], "looks good");
}
