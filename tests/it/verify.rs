//! `shipgate-verify` with http, command, file and wait gates: verdicts, retries, timeouts,
//! secrets that never show, outputs, the JSON shape, exit codes and `--help`.
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::get;
use predicates::str::contains;
use serde_json::Value;

use crate::fixture::TestRepo;
use crate::http_server::HttpServer;

const SECRET: &str = "Bearer s3cret-smoke-token";

/// ok, slow (3 s), failing (500), flapping (503 twice, then 200), and one that needs a token.
fn service() -> HttpServer {
    let flaps = Arc::new(AtomicU32::new(0));
    let router = Router::new()
        .route(
            "/ok",
            get(|| async { r#"{"status":"ok","build":{"version":"1.4.0"}}"# }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "late"
            }),
        )
        .route(
            "/fail",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route(
            "/flap",
            get(move || {
                let flaps = Arc::clone(&flaps);
                async move {
                    if flaps.fetch_add(1, Ordering::SeqCst) < 2 {
                        (StatusCode::SERVICE_UNAVAILABLE, "warming up")
                    } else {
                        (StatusCode::OK, "ready")
                    }
                }
            }),
        )
        .route(
            "/private",
            get(|headers: HeaderMap| async move {
                match headers.get("authorization") {
                    Some(v) if v == SECRET => (StatusCode::OK, "welcome"),
                    _ => (StatusCode::UNAUTHORIZED, "who are you?"),
                }
            }),
        );
    HttpServer::start(router)
}

fn repo(config: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("shipgate.yml", config);
    repo
}

fn verify(repo: &TestRepo) -> assert_cmd::Command {
    repo.binary("shipgate-verify")
}

fn json(repo: &TestRepo, args: &[&str]) -> (i32, Value) {
    let output = verify(repo)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), value)
}

fn gate<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("no gate {name} in {report}"))
}

fn measured(gate: &Value, name: &str) -> String {
    gate["measured"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .map(|m| m["value"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {name} in {gate}"))
}

#[test]
fn http_gates_check_status_body_and_json_with_retries_and_timeouts() {
    let server = service();
    let url = server.url();
    let repo = repo(&format!(
        "\
gates:
  - {{ name: ok, type: http, url: \"{url}/ok\", body_contains: status, json_pointer: /build/version, json_equals: \"1.4.0\" }}
  - {{ name: flapping, type: http, url: \"{url}/flap\", retries: 2, backoff: 0s, body_contains: ready }}
  - {{ name: wrong-version, type: http, url: \"{url}/ok\", json_pointer: /build/version, json_equals: \"1.3.0\", retries: 0 }}
  - {{ name: slow, type: http, url: \"{url}/slow\", timeout: 1s, retries: 0 }}
  - {{ name: failing, type: http, url: \"{url}/fail\", retries: 1, backoff: 0s }}
"
    ));
    let started = Instant::now();
    let (code, report) = json(&repo, &["--keep-going"]);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the slow gate timed out at 1 s"
    );
    assert_eq!(code, 1);
    assert_eq!(report["passed"], false);
    assert_eq!(
        report["failed_gates"],
        serde_json::json!(["wrong-version", "slow", "failing"])
    );
    assert_eq!(gate(&report, "ok")["verdict"], "pass");
    let flapping = gate(&report, "flapping");
    assert_eq!(flapping["verdict"], "pass");
    assert_eq!(measured(flapping, "attempts"), "3");
    assert_eq!(
        gate(&report, "wrong-version")["summary"],
        format!("GET {url}/ok: /build/version is \"1.4.0\", expected \"1.3.0\" (after 1 attempt)")
    );
    assert_eq!(
        gate(&report, "slow")["summary"],
        format!("GET {url}/slow: no answer within 1s (after 1 attempt)")
    );
    let failing = gate(&report, "failing");
    assert_eq!(
        failing["summary"],
        format!("GET {url}/fail: status 500, expected 200; body: boom (after 2 attempts)")
    );
    assert_eq!(measured(failing, "status"), "500");
}

#[test]
fn the_first_failure_skips_the_rest_and_sets_the_outputs() {
    let server = service();
    let url = server.url();
    let repo = repo(&format!(
        "\
gates:
  - {{ name: failing, type: http, url: \"{url}/fail\", retries: 0 }}
  - {{ name: soak, type: wait, duration: 30s }}
"
    ));
    let output = repo.root().join("github_output");
    let summary = repo.root().join("summary.md");
    let dotenv = repo.root().join("verify.env");
    let started = Instant::now();
    verify(&repo)
        .arg("--dotenv")
        .arg(&dotenv)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(1)
        .stdout(format!(
            "FAIL         failing (http): GET {url}/fail: status 500, expected 200; body: boom \
             (after 1 attempt)\nSKIPPED      soak (wait): not run: an earlier gate failed\n\
             failed: failing\n"
        ));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the wait was skipped"
    );
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "passed=false\nfailed-gates=failing\ninconclusive-gates=\n"
    );
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        "SHIPGATE_PASSED=false\nSHIPGATE_FAILED_GATES=failing\nSHIPGATE_INCONCLUSIVE_GATES=\n"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with(":x: **Gates failed**: `failing`\n\n| gate | type | result |"),
        "{summary}"
    );
    assert!(
        summary.contains("| `soak` | wait | ⏭️ skipped |"),
        "{summary}"
    );
}

#[test]
fn header_secrets_are_sent_but_never_shown() {
    let server = service();
    let url = server.url();
    let repo = repo(&format!(
        "\
gates:
  - {{ name: private, type: http, url: \"{url}/private\", retries: 0, headers_env: {{ Authorization: SMOKE_TOKEN }} }}
"
    ));
    for (token, code) in [(SECRET, 0), ("Bearer wrong-s3cret-smoke-token", 1)] {
        for format in ["text", "json"] {
            let summary = repo.root().join("summary.md");
            let output = verify(&repo)
                .args(["-vv", "--format", format])
                .env("SMOKE_TOKEN", token)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(code));
            let all = format!(
                "{}{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                std::fs::read_to_string(&summary).unwrap_or_default()
            );
            assert!(!all.contains("s3cret"), "the token leaked: {all}");
        }
    }
    verify(&repo).assert().code(2).stderr(contains(
        "gate `private` sends header `Authorization` from the environment variable \
             SMOKE_TOKEN, which is not set",
    ));
}

/// A custom header's secret value, sent besides [`SECRET`].
const API_KEY: &str = "k3y-0f-the-smoke-api";

/// A server that answers 500 with the request's headers in the body, one `name: value` a
/// line sorted by name, as some proxies and debug endpoints do.
pub fn echo_service() -> HttpServer {
    HttpServer::start(Router::new().route(
        "/echo",
        get(|headers: HeaderMap| async move {
            let mut lines: Vec<String> = headers
                .iter()
                .map(|(name, value)| format!("{name}: {}\n", value.to_str().unwrap_or("?")))
                .collect();
            lines.sort();
            (StatusCode::INTERNAL_SERVER_ERROR, lines.concat())
        }),
    ))
}

#[test]
fn a_redirect_to_another_origin_is_refused_and_never_carries_the_headers() {
    // The second server (another port: another origin) records every request's headers.
    let seen: Arc<Mutex<Vec<HeaderMap>>> = Arc::default();
    let log = Arc::clone(&seen);
    let elsewhere = HttpServer::start(Router::new().route(
        "/landing",
        get(move |headers: HeaderMap| {
            log.lock().unwrap().push(headers);
            async { "landed" }
        }),
    ));
    let target = format!("{}/landing", elsewhere.url());
    let moved_to = target.clone();
    let first = HttpServer::start(
        Router::new()
            .route(
                "/moved",
                get(move || {
                    let to = moved_to.clone();
                    async move { (StatusCode::FOUND, [(header::LOCATION, to)]) }
                }),
            )
            .route(
                "/same",
                get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/private")]) }),
            )
            .route(
                "/private",
                get(|headers: HeaderMap| async move {
                    let key = headers.get("x-api-key").is_some_and(|v| v == API_KEY);
                    let token = headers.get("authorization").is_some_and(|v| v == SECRET);
                    if key && token {
                        (StatusCode::OK, "welcome")
                    } else {
                        (StatusCode::UNAUTHORIZED, "who are you?")
                    }
                }),
            ),
    );
    let url = first.url();
    let repo = repo(&format!(
        "\
gates:
  - {{ name: away, type: http, url: \"{url}/moved\", retries: 0, headers_env: {{ Authorization: SMOKE_TOKEN, X-Api-Key: API_KEY }} }}
  - {{ name: same-origin, type: http, url: \"{url}/same\", retries: 0, headers_env: {{ Authorization: SMOKE_TOKEN, X-Api-Key: API_KEY }} }}
"
    ));
    let output = verify(&repo)
        .args(["--keep-going", "--format", "json"])
        .env("SMOKE_TOKEN", SECRET)
        .env("API_KEY", API_KEY)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let seen = seen.lock().unwrap().clone();
    for headers in seen.iter() {
        for (name, value) in headers {
            let value = value.to_str().unwrap_or_default();
            assert!(
                !value.contains("s3cret") && !value.contains(API_KEY),
                "the other origin got {name}: {value}"
            );
        }
    }
    assert!(seen.is_empty(), "the other origin was not even asked");
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(
        gate(&report, "away")["summary"],
        format!(
            "GET {url}/moved: redirected to {target}, another origin (scheme, host or port) than \
             {url}; shipgate follows redirects within the gate's origin only, so that its headers \
             never reach another server: set `url` to the address that answers (after 1 attempt)"
        )
    );
    assert_eq!(
        gate(&report, "same-origin")["verdict"],
        "pass",
        "a redirect within the origin is followed with the headers: {report:#}"
    );
}

#[test]
fn a_failing_gate_never_shows_a_secret_its_server_or_command_echoes() {
    let server = echo_service();
    let url = server.url();
    let repo = repo(&format!(
        "\
gates:
  - {{ name: echo, type: http, url: \"{url}/echo\", retries: 1, backoff: 0s, headers_env: {{ Authorization: SMOKE_TOKEN, X-Api-Key: API_KEY }} }}
  - {{ name: chatty, type: command, command: [\"echo token=$SMOKE_TOKEN key=$API_KEY >&2; exit 1\"], shell: true }}
"
    ));
    for format in ["text", "json"] {
        let summary = repo.root().join(format!("summary-{format}.md"));
        let outputs = repo.root().join(format!("outputs-{format}"));
        let output = verify(&repo)
            .args(["-vv", "--keep-going", "--format", format])
            .env("SMOKE_TOKEN", SECRET)
            .env("API_KEY", API_KEY)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let summary = std::fs::read_to_string(&summary).unwrap();
        let outputs = std::fs::read_to_string(&outputs).unwrap();
        for (what, text) in [
            ("stdout", stdout.as_ref()),
            ("stderr", stderr.as_ref()),
            ("summary", summary.as_str()),
            ("outputs", outputs.as_str()),
        ] {
            assert!(
                !text.contains("s3cret") && !text.contains(API_KEY),
                "{format} {what} shows a secret: {text}"
            );
        }
        for text in [stdout.as_ref(), summary.as_str()] {
            assert!(
                text.contains("authorization: [secret] host:")
                    && text.contains("x-api-key: [secret]"),
                "{format}: {text}"
            );
            assert!(
                text.contains("output: token=[secret] key=[secret]"),
                "{format}: {text}"
            );
        }
        assert!(
            stderr.contains("authorization: [secret] host:") && stderr.contains("retrying"),
            "the retry is logged, scrubbed: {stderr}"
        );
    }
}

#[test]
fn command_and_file_gates() {
    let repo = repo(
        "\
gates:
  - { name: backup, type: file, path: backups/db.dump, step: pre-deploy }
  - { name: empty-backup, type: file, path: backups/empty.dump, step: pre-deploy }
  - { name: missing-backup, type: file, path: backups/none.dump, step: pre-deploy }
  - { name: true, type: command, command: [\"true\"] }
  - { name: false, type: command, command: [\"false\"] }
  - { name: no-shell, type: command, command: [echo, \"$HOME | x\"] }
  - { name: shell, type: command, command: [\"echo from-sh >&2; exit 3\"], shell: true }
  - { name: hangs, type: command, command: [sleep, \"20\"], timeout: 1s }
  - { name: absent, type: command, command: [no-such-program-here] }
",
    );
    repo.write("backups/db.dump", "abc");
    repo.write("backups/empty.dump", "");
    let started = Instant::now();
    let (code, report) = json(&repo, &["--keep-going"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(code, 1);
    assert_eq!(
        report["failed_gates"],
        serde_json::json!([
            "empty-backup",
            "missing-backup",
            "false",
            "shell",
            "hangs",
            "absent"
        ])
    );
    let backup = gate(&report, "backup");
    assert_eq!(
        measured(backup, "sha256"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        gate(&report, "empty-backup")["summary"],
        "backups/empty.dump is empty"
    );
    assert_eq!(
        gate(&report, "missing-backup")["summary"],
        "backups/none.dump does not exist"
    );
    assert_eq!(gate(&report, "true")["verdict"], "pass");
    assert_eq!(measured(gate(&report, "false"), "exit_code"), "1");
    // No shell: `$HOME | x` reaches echo as it is written.
    assert_eq!(gate(&report, "no-shell")["verdict"], "pass");
    assert_eq!(
        gate(&report, "shell")["summary"],
        "`sh -c \"echo from-sh >&2; exit 3\"` exited 3; output: from-sh"
    );
    assert_eq!(
        gate(&report, "hangs")["summary"],
        "`sleep 20` did not finish within 1s and was killed"
    );
    assert!(
        gate(&report, "absent")["summary"]
            .as_str()
            .unwrap()
            .starts_with("`no-such-program-here` could not start: ")
    );

    // --step and --gate choose; an unknown gate is a usage error.
    let (code, pre) = json(&repo, &["--step", "pre-deploy", "--gate", "backup"]);
    assert_eq!((code, pre["gates"].as_array().unwrap().len()), (0, 1));
    assert_eq!(pre["step"], "pre-deploy");
    verify(&repo)
        .args(["--step", "post-deploi", "--gate", "true"])
        .assert()
        .code(0)
        .stderr(contains("no gate names the step `post-deploi`"));
    verify(&repo)
        .args(["--gate", "backups"])
        .assert()
        .code(2)
        .stderr(contains("no gate named `backups` in `gates:`"));
    verify(&repo)
        .args(["--env", "prod"])
        .assert()
        .code(2)
        .stderr(contains(
            "--env prod is not one of the configured environments",
        ));
}

#[test]
fn environments_choose_gates_and_no_gates_pass() {
    let repo = repo(
        "\
gates:
  - { name: stage-only, type: wait, duration: 0s, environments: [stage] }
  - { name: everywhere, type: wait, duration: 1s }
",
    );
    verify(&repo)
        .args(["--env", "production"])
        .assert()
        .code(0)
        .stdout("PASS         everywhere (wait): waited 1s\npassed: 1 gates\n");
    let empty = TestRepo::new();
    verify(&empty)
        .assert()
        .code(0)
        .stdout("no gates configured for this environment and step\npassed: 0 gates\n");
    repo.write("shipgate.yml", "gates:\n  - { name: x, type: wait }\n");
    verify(&repo).assert().code(2).stderr(contains(
        "shipgate.yml:2:13: `gates[0].name`: the wait gate `x` needs `duration`",
    ));
}

#[test]
fn a_maintenance_gate_passes_only_when_the_status_command_says_off() {
    let repo = repo(
        "\
environments: [stage, production]
deploy:
  production:
    maintenance:
      on: echo on > maintenance-state
      off: echo off > maintenance-state
      status: ./status.sh
gates:
  - { name: maintenance-off, type: maintenance, environments: [production] }
",
    );
    // The status hook gets the environment as its argument and answers from a file.
    repo.write(
        "status.sh",
        "#!/bin/sh\n[ \"$1\" = production ] || exit 9\ncat maintenance-state\n",
    );
    let script = repo.path().join("status.sh");
    crate::fixture::make_executable(&script);

    repo.write("maintenance-state", "off\n");
    verify(&repo)
        .args(["--env", "production"])
        .assert()
        .code(0)
        .stdout(contains(
            "PASS         maintenance-off (maintenance): maintenance is off in production",
        ));
    repo.write("maintenance-state", "on\n");
    let (code, report) = json(&repo, &["--env", "production"]);
    assert_eq!(code, 1, "{report}");
    let failed = gate(&report, "maintenance-off");
    assert_eq!(failed["verdict"], "fail");
    assert_eq!(measured(failed, "maintenance"), "on");
    assert!(
        failed["summary"]
            .as_str()
            .unwrap()
            .contains("still on in production"),
        "{failed}"
    );
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/verify-output.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert!(
        jsonschema::validator_for(&schema)
            .unwrap()
            .is_valid(&report),
        "{report}"
    );
    // No answer either way: inconclusive, which --strict fails.
    std::fs::remove_file(repo.path().join("maintenance-state")).unwrap();
    let (code, report) = json(&repo, &["--env", "production"]);
    assert_eq!(
        (code, gate(&report, "maintenance-off")["verdict"].as_str()),
        (0, Some("inconclusive"))
    );
    verify(&repo)
        .args(["--env", "production", "--strict"])
        .assert()
        .code(1);
    // Stage does not run the gate; a gate for every environment needs every status command.
    verify(&repo).args(["--env", "stage"]).assert().code(0);
    let config = std::fs::read_to_string(repo.path().join("shipgate.yml")).unwrap();
    repo.write(
        "shipgate.yml",
        &config.replace(", environments: [production]", ""),
    );
    verify(&repo)
        .args(["--env", "production"])
        .assert()
        .code(2)
        .stderr(contains(
            "the maintenance gate `maintenance-off` runs in stage, which has no \
         `deploy.stage.maintenance.status`",
        ));
}

#[test]
fn json_output_matches_its_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/verify-output.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let server = service();
    let url = server.url();
    let repo = repo(&format!(
        "\
gates:
  - {{ name: ok, type: http, url: \"{url}/ok\", checklist: Stage verified }}
  - {{ name: backup, type: file, path: db.dump }}
  - {{ name: soak, type: wait, duration: 0s }}
"
    ));
    let (code, failed) = json(&repo, &["--env", "stage", "--step", "post-deploy"]);
    assert_eq!(code, 1);
    repo.write("db.dump", "x");
    let (code, passed) = json(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(gate(&passed, "ok")["checklist"], "Stage verified");
    for value in [&failed, &passed] {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{value}: {errors:#?}");
    }
}

#[test]
fn help_explains_gates_outputs_rollback_and_exit_codes() {
    let repo = TestRepo::new();
    let output = verify(&repo).arg("--help").output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}
