//! `shipgate-notify`: events to a webhook sink on loopback (with faults), secrets kept out of
//! every output, the deployment-issue channel on the local forge, and `watch`.
use predicates::str::contains;
use serde_json::Value;

use crate::fixture::TestRepo;
use crate::webhook_sink::{WebhookSink, refused_url};

const SECRET_QUERY: &str = "?token=xoxb-very-secret";

/// A repository released as v1.1.0, then two commits mentioning tickets, tagged v1.2.0.
fn released() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("feat: first");
    repo.git(&["tag", "v1.1.0"]);
    repo.commit("feat(cart): coupons\n\nRefs: SHOP-7, #40");
    repo.commit("fix: totals (#45) for SHOP-12");
    repo.git(&["tag", "v1.2.0"]);
    repo
}

fn write_config(repo: &TestRepo, channels: &str) {
    repo.write(
        "shipgate.yml",
        &format!(
            "notify:\n  project: Acme shop\n  support: support@acme.example\n  timeout: 1s\n  retries: 2\n  backoff: 10ms\n  channels:\n{channels}"
        ),
    );
}

fn notify(repo: &TestRepo) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-notify");
    command
        .env("USER", "ada")
        .env_remove("SHIPGATE_ENVIRONMENT");
    command
}

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

fn assert_valid_json_output(json: &Value) {
    let schema: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/notify-output.schema.json"
    )))
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(json).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{json:#}");
}

#[test]
fn start_goes_to_slack_and_webhook_with_tickets_and_no_secret_in_any_output() {
    let repo = released();
    let sink = WebhookSink::start();
    write_config(
        &repo,
        "    - { name: dev, type: slack, webhook_env: DEV_HOOK }\n    - { name: users, type: webhook, webhook_env: USERS_HOOK, language: es }\n    - { name: ends, type: webhook, webhook_env: USERS_HOOK, events: [end] }\n",
    );
    let dev_url = format!("{}{SECRET_QUERY}", sink.url("ok/dev"));
    let outputs = repo.root().join("github_output");
    let output = notify(&repo)
        .env("GITHUB_OUTPUT", &outputs)
        .env("DEV_HOOK", &dev_url)
        .env("USERS_HOOK", sink.url("ok/users"))
        .args([
            "start",
            "--env",
            "production",
            "--estimate",
            "15m",
            "--image",
            "api=ghcr.io/acme/api:1.2.0",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout,
        "sent start to dev (slack)\nsent start to users (webhook)\n"
    );
    let outputs = std::fs::read_to_string(&outputs).unwrap();
    assert_eq!(outputs, "sent=dev,users\nfailed=\n");
    for text in [stdout.as_ref(), stderr.as_ref(), outputs.as_str()] {
        assert!(
            !text.contains("xoxb-very-secret") && !text.contains("127.0.0.1"),
            "{text}"
        );
    }
    let received = sink.received();
    assert_eq!(received.len(), 2, "{received:#?}");
    let slack = &received[0].body;
    assert_eq!(slack["text"], "Acme shop: deploying v1.2.0 to production");
    let section = slack["blocks"][1]["text"]["text"].as_str().unwrap();
    assert!(section.contains("(from v1.1.0)"), "{section}");
    assert!(section.contains("Estimated duration: 15m."), "{section}");
    assert!(
        section.contains("Tickets: SHOP-7, #40, SHOP-12, #45"),
        "{section}"
    );
    assert!(
        section.contains("- api ghcr.io/acme/api:1.2.0"),
        "{section}"
    );
    let hook = &received[1].body;
    assert_eq!(
        hook["title"],
        "Acme shop: despliegue de v1.2.0 en production"
    );
    assert_eq!(hook["event"], "start");
    assert_eq!(hook["text"], hook["content"]);
}

#[test]
fn commit_text_reaches_slack_escaped_so_it_cannot_ping_or_link() {
    let repo = TestRepo::new();
    repo.commit("feat: first");
    repo.git(&["tag", "v1.1.0"]);
    repo.commit(
        "fix: totals <!channel>\n\nRefs: <!here>, <@U123>, <http://evil.example|click>, SHOP-1",
    );
    repo.git(&["tag", "v1.2.0"]);
    repo.write(
        "shipgate.yml",
        "notify:\n  project: R&D <shop>\n  timeout: 1s\n  retries: 0\n  channels:\n    - { name: dev, type: slack, webhook_env: DEV_HOOK }\n",
    );
    let sink = WebhookSink::start();
    let output = notify(&repo)
        .env("DEV_HOOK", sink.url("ok/dev"))
        .args(["start", "--env", "production"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bodies = sink.bodies("ok/dev");
    assert_eq!(bodies.len(), 1);
    let slack = &bodies[0];
    assert_eq!(
        slack["text"],
        "R&amp;D &lt;shop&gt;: deploying v1.2.0 to production"
    );
    assert_eq!(
        slack["blocks"][0]["text"],
        serde_json::json!({
            "type": "plain_text",
            "text": "R&D <shop>: deploying v1.2.0 to production",
            "emoji": true
        }),
        "the header is plain text, which Slack does not parse"
    );
    assert_eq!(
        slack["blocks"][1]["text"]["text"],
        "ada is starting the deployment of R&amp;D &lt;shop&gt; v1.2.0 (from v1.1.0) to \
         production.\nTickets: &lt;!here&gt;, &lt;@U123&gt;, &lt;http://evil.example|click&gt;, \
         SHOP-1"
    );
}

#[test]
fn a_failing_channel_is_retried_and_the_others_are_still_sent() {
    let repo = released();
    let sink = WebhookSink::start();
    write_config(
        &repo,
        "    - { name: broken, type: webhook, webhook_env: BROKEN_HOOK }\n    - { name: dev, type: slack, webhook_env: DEV_HOOK }\n",
    );
    let output = notify(&repo)
        .env("BROKEN_HOOK", sink.url("fail/broken"))
        .env("DEV_HOOK", sink.url("ok/dev"))
        .args([
            "end",
            "--env",
            "stage",
            "--version",
            "1.2.0",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "not required: exit 0");
    assert_eq!(sink.bodies("fail/broken").len(), 3, "1 try + 2 retries");
    assert_eq!(sink.bodies("ok/dev").len(), 1);
    let json = stdout_json(&output);
    assert_valid_json_output(&json);
    let broken = &json["events"][0]["channels"][0];
    assert_eq!(broken["status"], "failed");
    assert_eq!(broken["attempts"], 3);
    assert_eq!(
        broken["error"],
        "HTTP 500 Internal Server Error: upstream broke (3 tries)"
    );
    assert_eq!(json["events"][0]["channels"][1]["status"], "sent");
}

#[test]
fn a_required_channel_that_fails_gives_exit_3_and_a_missing_secret_exit_2() {
    let repo = released();
    let sink = WebhookSink::start();
    write_config(
        &repo,
        "    - { name: must, type: webhook, webhook_env: MUST_HOOK, required: true }\n    - { name: dev, type: slack, webhook_env: DEV_HOOK }\n",
    );
    notify(&repo)
        .env("MUST_HOOK", sink.url("fail/must"))
        .env("DEV_HOOK", sink.url("ok/dev"))
        .args(["failure", "--env", "stage", "--version", "1.2.0"])
        .assert()
        .code(3)
        .stdout(contains(
            "FAILED failure to must (webhook, required): HTTP 500",
        ))
        .stdout(contains("sent failure to dev (slack)"));
    notify(&repo)
        .env("DEV_HOOK", sink.url("ok/dev"))
        .args(["failure", "--env", "stage", "--version", "1.2.0"])
        .assert()
        .code(2)
        .stdout(contains(
            "FAILED failure to must (webhook, required): MUST_HOOK is not set: channel must reads its webhook URL from it",
        ));
    assert_eq!(sink.bodies("ok/dev").len(), 2);
}

#[test]
fn refused_and_slow_webhooks_fail_within_the_timeout_without_showing_the_url() {
    let repo = released();
    let sink = WebhookSink::start();
    write_config(
        &repo,
        "    - { name: refused, type: webhook, webhook_env: REFUSED_HOOK }\n    - { name: slow, type: slack, webhook_env: SLOW_HOOK }\n",
    );
    let refused = refused_url();
    let started = std::time::Instant::now();
    let output = notify(&repo)
        .env("REFUSED_HOOK", &refused)
        .env("SLOW_HOOK", sink.url("slow/slow"))
        .arg("-v")
        .args([
            "delay",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
    let json = stdout_json(&output);
    let channels = &json["events"][0]["channels"];
    let refused_error = channels[0]["error"].as_str().unwrap();
    assert!(
        refused_error.starts_with("cannot connect"),
        "{refused_error}"
    );
    assert_eq!(channels[1]["error"], "no answer within 1s (3 tries)");
    assert_eq!(sink.bodies("slow/slow").len(), 3);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let port = refused
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches("/hook");
    for text in [stderr.as_ref(), &json.to_string()] {
        assert!(!text.contains(port) && !text.contains("/slow/"), "{text}");
    }
}

#[test]
fn the_issue_channel_comments_once_per_event_and_run() {
    let repo = released();
    repo.binary("shipgate-issue")
        .env("USER", "ada")
        .args(["open", "--version", "1.2.0"])
        .assert()
        .success();
    write_config(
        &repo,
        "    - { name: issue, type: issue, required: true }\n",
    );
    for _ in 0..2 {
        notify(&repo)
            .env("GITHUB_RUN_ID", "77")
            .args(["start", "--env", "production", "--version", "1.2.0"])
            .assert()
            .success();
    }
    let comments = repo.path().join(".shipgate/forge/issues/1/comments");
    let bodies: Vec<String> = std::fs::read_dir(&comments)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .filter(|body| !crate::fixture::is_release_claim(body))
        .collect();
    assert_eq!(bodies.len(), 1, "{bodies:#?}");
    assert!(bodies[0].starts_with("<!-- shipgate:notify start v1.2.0 production run local -->\n### :rocket: Deploying v1.2.0 to production"), "{}", bodies[0]);
    notify(&repo)
        .args(["end", "--env", "production", "--version", "1.2.0"])
        .assert()
        .success()
        .stdout("sent end to issue (issue, required)\n");
    notify(&repo)
        .args(["end", "--env", "production", "--version", "1.2.0"])
        .assert()
        .success()
        .stdout("already sent end to issue (issue, required)\n");
    notify(&repo)
        .args(["end", "--env", "production", "--version", "9.9.9"])
        .assert()
        .code(2)
        .stdout(contains("no open deployment issue for v9.9.9"));
}

#[test]
fn watch_sends_start_and_end_when_the_command_finishes_early() {
    let repo = released();
    let sink = WebhookSink::start();
    write_config(
        &repo,
        "    - { name: dev, type: webhook, webhook_env: DEV_HOOK }\n",
    );
    let output = notify(&repo)
        .env("DEV_HOOK", sink.url("ok/dev"))
        .args([
            "watch",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--estimate",
            "5s",
            "--format",
            "json",
            "--",
            "sh",
            "-c",
            "echo deploying; exit 0",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("deploying"));
    let json = stdout_json(&output);
    assert_valid_json_output(&json);
    let events: Vec<&str> = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["start", "end"]);
    assert_eq!(json["command"]["delayed"], false);
    let titles: Vec<Value> = sink
        .bodies("ok/dev")
        .into_iter()
        .map(|b| b["title"].clone())
        .collect();
    assert_eq!(
        titles,
        [
            "Acme shop: deploying v1.2.0 to production",
            "Acme shop: v1.2.0 is live on production"
        ]
    );
}

#[test]
fn watch_sends_delay_once_when_the_command_runs_late() {
    let repo = released();
    let sink = WebhookSink::start();
    write_config(
        &repo,
        "    - { name: dev, type: webhook, webhook_env: DEV_HOOK }\n",
    );
    notify(&repo)
        .env("DEV_HOOK", sink.url("ok/dev"))
        .args(["watch", "--env", "production", "--version", "1.2.0", "--estimate", "100ms", "--", "sh", "-c", "sleep 0.4"])
        .assert()
        .success()
        .stdout(contains("sent start to dev (webhook)\nsent delay to dev (webhook)\nsent end to dev (webhook)\n`sh -c sleep 0.4` exited with 0 after 0s\n"));
    let events: Vec<Value> = sink
        .bodies("ok/dev")
        .into_iter()
        .map(|b| b["event"].clone())
        .collect();
    assert_eq!(events, ["start", "delay", "end"]);
}

#[test]
fn watch_sends_failure_and_exits_with_the_command_s_code() {
    let repo = released();
    let sink = WebhookSink::start();
    write_config(
        &repo,
        "    - { name: dev, type: webhook, webhook_env: DEV_HOOK, required: true }\n",
    );
    notify(&repo)
        .env("DEV_HOOK", sink.url("ok/dev"))
        .args([
            "watch",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--estimate",
            "1s",
            "--",
            "sh",
            "-c",
            "exit 7",
        ])
        .assert()
        .code(7);
    let bodies = sink.bodies("ok/dev");
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[1]["event"], "failure");
    notify(&repo)
        .env("DEV_HOOK", sink.url("ok/dev"))
        .args([
            "watch",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--",
            "no-such-command-here",
        ])
        .assert()
        .code(127);
    assert_eq!(sink.bodies("ok/dev").last().unwrap()["event"], "failure");
}

#[test]
fn watch_with_a_successful_command_and_a_failed_required_channel_exits_3() {
    let repo = released();
    let sink = WebhookSink::start();
    write_config(
        &repo,
        "    - { name: must, type: webhook, webhook_env: MUST_HOOK, required: true, events: [end] }\n",
    );
    notify(&repo)
        .env("MUST_HOOK", sink.url("fail/must"))
        .args([
            "watch",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--",
            "true",
        ])
        .assert()
        .code(3);
}

#[test]
fn usage_errors_exit_2() {
    let repo = released();
    write_config(
        &repo,
        "    - { name: dev, type: webhook, webhook_env: DEV_HOOK }\n",
    );
    notify(&repo)
        .args([
            "start",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--channel",
            "ops",
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "--channel ops: no such channel in notify.channels (dev)",
        ));
    notify(&repo)
        .args([
            "start",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--estimate",
            "15",
        ])
        .assert()
        .code(2)
        .stderr(contains("invalid duration `15`"));
    notify(&repo)
        .args(["start", "--version", "1.2.0"])
        .assert()
        .code(2)
        .stderr(contains("--env"));
}

#[test]
fn help_explains_channels_secrets_and_exit_codes() {
    let repo = TestRepo::new();
    let output = repo
        .binary("shipgate-notify")
        .arg("--help")
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn report_goes_to_the_job_summary_and_once_to_the_deployment_issue() {
    let repo = released();
    repo.binary("shipgate-issue")
        .env("USER", "ada")
        .args(["open", "--version", "1.2.0"])
        .assert()
        .success();
    write_config(
        &repo,
        "    - { name: dev, type: webhook, webhook_env: DEV_HOOK }\n",
    );
    let summary = repo.root().join("summary.md");
    let report = |format: &str| {
        notify(&repo)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .args([
                "report",
                "--env",
                "production",
                "--version",
                "1.2.0",
                "--strategy",
                "rolling",
                "--duration",
                "12m30s",
                "--downtime",
                "0s",
                "--check",
                "smoke tests=pass",
                "--check",
                "latency=fail",
                "--problem",
                "the worker restarted twice",
                "--language",
                "es",
                "--format",
                format,
            ])
            .output()
            .unwrap()
    };
    let first = report("text");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let markdown = String::from_utf8(first.stdout).unwrap();
    assert!(
        markdown.starts_with(
            "## :white_check_mark: Informe de despliegue: Acme shop v1.2.0 en production\n"
        ),
        "{markdown}"
    );
    for expected in [
        "| Versión | v1.2.0 (desde v1.1.0) |",
        "| Estrategia | rolling |",
        "| Corte de servicio | 0s |",
        "- :x: latency",
        "- the worker restarted twice",
    ] {
        assert!(
            markdown.contains(expected),
            "{expected:?} not in\n{markdown}"
        );
    }
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), markdown);

    let second = report("json");
    assert!(second.status.success());
    let json = stdout_json(&second);
    let schema: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/notify-report-output.schema.json"
    )))
    .unwrap();
    assert!(
        jsonschema::draft202012::new(&schema)
            .unwrap()
            .is_valid(&json),
        "{json:#}"
    );
    assert_eq!(json["issue"], "already on #1");
    assert_eq!(json["summary"], true);
    let comments = std::fs::read_dir(repo.path().join(".shipgate/forge/issues/1/comments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| !crate::fixture::is_release_claim(&std::fs::read_to_string(p).unwrap()))
        .count();
    assert_eq!(comments, 1);

    notify(&repo)
        .args([
            "report",
            "--env",
            "production",
            "--version",
            "9.9.9",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(contains(
            "\"issue\": \"skipped: no open deployment issue for v9.9.9",
        ));
}
