//! `shipgate-notify` e-mail channels against a real SMTP server (aiosmtpd) on 127.0.0.1: what
//! arrives, and refused, rejected, busy and slow servers.
use predicates::str::contains;
use serde_json::Value;

use crate::fixture::TestRepo;
use crate::smtp_sink::{SmtpSink, test_certificates};
use crate::webhook_sink::refused_url;

fn repo_with_email(port: u16, to: &str, extra: &str) -> TestRepo {
    repo_with_smtp(port, "none", to, extra)
}

fn repo_with_smtp(port: u16, security: &str, to: &str, extra: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("fix: totals\n\nRefs: SHOP-12");
    repo.git(&["tag", "v1.2.0"]);
    repo.write(
        "shipgate.yml",
        &format!(
            "notify:\n  project: Acme shop\n  support: support@acme.example\n  timeout: 1s\n  retries: 2\n  backoff: 10ms\n  channels:\n    - name: customer\n      type: email\n      required: true\n      smtp:\n        host: 127.0.0.1\n        port: {port}\n        security: {security}\n        from: \"Acme deploys <deploys@acme.example>\"\n        to: [{to}]\n{extra}"
        ),
    );
    repo
}

fn notify(repo: &TestRepo) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-notify");
    command
        .env("USER", "ada")
        .env_remove("SHIPGATE_ENVIRONMENT");
    command
}

#[test]
fn an_email_with_plain_and_html_parts_reaches_every_recipient() {
    let Some(smtp) = SmtpSink::start() else {
        return;
    };
    let repo = repo_with_email(smtp.port(), "ops@customer.example, it@customer.example", "");
    notify(&repo)
        .args([
            "start",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--estimate",
            "15m",
        ])
        .assert()
        .success()
        .stdout("sent start to customer (email, required)\n");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "one message for both recipients");
    let message = &messages[0];
    assert_eq!(message["from"], "deploys@acme.example");
    assert_eq!(
        message["to"],
        serde_json::json!(["ops@customer.example", "it@customer.example"])
    );
    let data = message["data"].as_str().unwrap();
    for expected in [
        "Subject: Acme shop: deploying v1.2.0 to production",
        "From: \"Acme deploys\" <deploys@acme.example>",
        "To: ops@customer.example, it@customer.example",
        "Content-Type: multipart/alternative",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Type: text/html; charset=utf-8",
        "Estimated duration: 15m.",
        "Tickets: SHOP-12",
        "<h2>Acme shop: deploying v1.2.0 to production</h2>",
    ] {
        assert!(data.contains(expected), "{expected:?} not in:\n{data}");
    }
}

#[test]
fn a_rejected_recipient_is_not_retried_and_a_busy_server_is() {
    let Some(smtp) = SmtpSink::start() else {
        return;
    };
    let repo = repo_with_email(smtp.port(), "reject@customer.example", "");
    notify(&repo)
        .args(["end", "--env", "production", "--version", "1.2.0"])
        .assert()
        .code(3)
        .stdout(contains(
            "FAILED end to customer (email, required): SMTP 127.0.0.1:",
        ))
        .stdout(contains("no such mailbox"));
    assert_eq!(smtp.rcpts(), ["reject@customer.example"]);
    let repo = repo_with_email(smtp.port(), "busy@customer.example", "");
    notify(&repo)
        .args(["end", "--env", "production", "--version", "1.2.0"])
        .assert()
        .code(3)
        .stdout(contains("try again later (3 tries)"));
    assert_eq!(
        smtp.rcpts().len(),
        4,
        "1 rejected + 3 busy: {:?}",
        smtp.rcpts()
    );
    assert!(smtp.messages().is_empty());
}

#[test]
fn refused_and_slow_servers_fail_after_retries() {
    let Some(smtp) = SmtpSink::start() else {
        return;
    };
    let refused_port: u16 = refused_url()
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/hook")
        .parse()
        .unwrap();
    let repo = repo_with_email(refused_port, "ops@customer.example", "");
    let output = notify(&repo)
        .args([
            "end",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let channel = &json["events"][0]["channels"][0];
    assert_eq!(channel["attempts"], 3);
    assert!(
        channel["error"].as_str().unwrap().contains("(3 tries)"),
        "{channel}"
    );

    let repo = repo_with_email(smtp.port(), "slow@customer.example", "");
    let started = std::time::Instant::now();
    let output = notify(&repo)
        .args([
            "end",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["events"][0]["channels"][0]["attempts"], 3);
}

#[test]
fn the_smtp_password_comes_from_its_variable_and_is_never_shown() {
    let Some(smtp) = SmtpSink::start() else {
        return;
    };
    let repo = repo_with_email(
        smtp.port(),
        "ops@customer.example",
        "        username: deploys@acme.example\n        password_env: SMTP_PASSWORD\n",
    );
    notify(&repo)
        .args(["start", "--env", "production", "--version", "1.2.0"])
        .assert()
        .code(2)
        .stdout(contains(
            "SMTP_PASSWORD is not set: channel customer reads its SMTP password from it",
        ));
    // This server offers no AUTH: the attempt fails, and the password is in no output.
    let output = notify(&repo)
        .env("SMTP_PASSWORD", "hunter2-very-secret")
        .args(["start", "--env", "production", "--version", "1.2.0", "-vv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    for text in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(text);
        assert!(!text.contains("hunter2"), "{text}");
    }
}

#[test]
fn a_password_in_clear_is_refused_unless_the_server_is_on_this_host() {
    let repo = TestRepo::new();
    repo.commit("fix: totals");
    repo.git(&["tag", "v1.2.0"]);
    repo.write(
        "shipgate.yml",
        "notify:\n  channels:\n    - name: customer\n      type: email\n      smtp:\n        host: smtp.acme.example\n        security: none\n        username: deploys@acme.example\n        password_env: SMTP_PASSWORD\n        from: deploys@acme.example\n        to: [ops@customer.example]\n",
    );
    notify(&repo)
        .env("SMTP_PASSWORD", "hunter2-very-secret")
        .args(["start", "--env", "production", "--version", "1.2.0"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains(
            "shipgate.yml:7:19: `notify.channels[0].smtp.security`: `security: none` would send \
             the password of `deploys@acme.example` in clear to `smtp.acme.example`; use \
             `security: starttls` (port 587) or `security: tls` (port 465)",
        ));
}

#[test]
fn smtp_auth_uses_the_password_from_its_variable() {
    let Some(smtp) = SmtpSink::start_with_auth("deploys@acme.example", "hunter2-very-secret")
    else {
        return;
    };
    let repo = repo_with_email(
        smtp.port(),
        "ops@customer.example",
        "        username: deploys@acme.example\n        password_env: SMTP_PASSWORD\n",
    );
    notify(&repo)
        .env("SMTP_PASSWORD", "hunter2-very-secret")
        .args(["end", "--env", "production", "--version", "1.2.0"])
        .assert()
        .success()
        .stdout("sent end to customer (email, required)\n");
    assert_eq!(smtp.messages().len(), 1);
    let output = notify(&repo)
        .env("SMTP_PASSWORD", "hunter3-wrong-guess")
        .args(["end", "--env", "production", "--version", "1.2.0", "-vv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("FAILED end to customer (email, required): SMTP 127.0.0.1:"),
        "{stdout}"
    );
    for text in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(text);
        assert!(!text.contains("hunter"), "{text}");
    }
    assert_eq!(smtp.messages().len(), 1);
}

#[test]
fn starttls_and_tls_with_a_private_ca() {
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = test_certificates(certs.path());
    for (options, security) in [
        (["--tlscert", "--tlskey"], "starttls"),
        (["--smtpscert", "--smtpskey"], "tls"),
    ] {
        let Some(smtp) = SmtpSink::start_tls(options, &cert, &key) else {
            return;
        };
        let repo = repo_with_smtp(smtp.port(), security, "ops@customer.example", "");
        // Without the CA the server's certificate is not trusted.
        notify(&repo)
            .args(["end", "--env", "production", "--version", "1.2.0"])
            .assert()
            .code(3)
            .stdout(contains(
                "FAILED end to customer (email, required): SMTP 127.0.0.1:",
            ));
        assert!(smtp.messages().is_empty(), "{security}");
        std::fs::copy(&ca, repo.path().join("ca.pem")).unwrap();
        let repo_config = repo
            .read("shipgate.yml")
            .replace("        from:", "        ca_file: ca.pem\n        from:");
        repo.write("shipgate.yml", &repo_config);
        notify(&repo)
            .args(["end", "--env", "production", "--version", "1.2.0"])
            .assert()
            .success()
            .stdout("sent end to customer (email, required)\n");
        assert_eq!(smtp.messages().len(), 1, "{security}");
    }
}
