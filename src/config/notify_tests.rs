//! Loading the `notify:` and `log:` sections: values, and errors that point at the line.
use super::notify::{ChannelKind, Event, Language, SmtpSecurity};
use super::{Span, parse};

fn err(text: &str) -> String {
    parse(text, "shipgate.yml").unwrap_err().to_string()
}

#[test]
fn reads_channels_of_every_kind() {
    let c = parse(
        "notify:\n  language: es\n  timeout: 1500ms\n  channels:\n    - { name: dev, type: slack, webhook_env: SLACK_DEV }\n    - { name: hook, type: webhook, webhook_env: HOOK, events: [start, end], required: true }\n    - name: mail\n      type: email\n      smtp: { host: 127.0.0.1, port: 2525, security: none, from: a@b.example, to: [c@d.example] }\n    - { name: issue, type: issue, language: en }\n",
        "t",
    )
    .unwrap();
    let n = &c.notify;
    assert_eq!(n.language, Language::Es);
    assert_eq!(n.timeout, Span(1500));
    assert_eq!(n.channels.len(), 4);
    assert_eq!(n.channels[0].kind, ChannelKind::Slack);
    assert!(n.channels[0].wants(Event::Delay));
    assert!(!n.channels[1].wants(Event::Delay) && n.channels[1].required);
    let smtp = n.channels[2].smtp.as_ref().unwrap();
    assert_eq!((smtp.port, smtp.security), (Some(2525), SmtpSecurity::None));
    assert_eq!(n.channels[3].language, Some(Language::En));
}

#[test]
fn a_webhook_channel_names_its_variable() {
    assert_eq!(
        err(
            "notify:\n  channels:\n    - { name: dev, type: slack, webhook_env: \"https://hooks.example/x\" }\n"
        ),
        "shipgate.yml:3:46: `notify.channels[0].webhook_env`: a slack channel needs `webhook_env`: the NAME of the environment \
         variable that holds the webhook URL (never the URL itself), e.g. SLACK_DEV_WEBHOOK"
    );
}

#[test]
fn channel_names_are_unique_and_kinds_known() {
    assert!(
        err(
            "notify:\n  channels:\n    - { name: a, type: issue }\n    - { name: a, type: issue }\n"
        )
        .contains("`a` is used twice")
    );
    assert!(
        err("notify:\n  channels:\n    - { name: a, type: sms }\n")
            .starts_with("shipgate.yml:3:24: invalid value `sms`")
    );
    assert!(
        err("notify:\n  channels:\n    - { name: a, type: issue, url: x }\n")
            .starts_with("shipgate.yml:3:31: unknown key `url`")
    );
}

#[test]
fn email_needs_smtp_and_a_password_variable_with_a_user() {
    assert!(
        err("notify:\n  channels:\n    - { name: m, type: email }\n").contains("needs `smtp:`")
    );
    assert!(
        err("notify:\n  channels:\n    - name: m\n      type: email\n      smtp: { host: h, from: a@b, to: [c@d], username: u }\n")
            .contains("`password_env` must name the environment variable")
    );
}

#[test]
fn no_security_with_a_password_only_on_loopback() {
    let config = |host: &str, security: &str| {
        format!(
            "notify:\n  channels:\n    - name: m\n      type: email\n      smtp:\n        host: \"{host}\"\n        security: {security}\n        username: deploys\n        password_env: SMTP_PASSWORD\n        from: a@b.example\n        to: [c@d.example]\n"
        )
    };
    assert_eq!(
        err(&config("smtp.acme.example", "none")),
        "shipgate.yml:7:19: `notify.channels[0].smtp.security`: `security: none` would send the \
         password of `deploys` in clear to `smtp.acme.example`; use `security: starttls` (port \
         587) or `security: tls` (port 465) — `none` with a username only for a relay on this \
         host (localhost, 127.0.0.0/8 or ::1)"
    );
    for remote in ["10.0.0.5", "::2", "localhost.example", "128.0.0.1"] {
        assert!(
            err(&config(remote, "none")).contains("in clear"),
            "{remote}"
        );
    }
    for local in [
        "localhost",
        "LOCALHOST.",
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "[::1]",
    ] {
        assert!(parse(&config(local, "none"), "t").is_ok(), "{local}");
    }
    assert!(parse(&config("smtp.acme.example", "starttls"), "t").is_ok());
    assert!(parse(&config("smtp.acme.example", "tls"), "t").is_ok());
    let no_user = "notify:\n  channels:\n    - name: m\n      type: email\n      smtp: { host: smtp.acme.example, security: none, from: a@b.example, to: [c@d.example] }\n";
    assert!(parse(no_user, "t").is_ok(), "no password, nothing to leak");
}

#[test]
fn durations_and_patterns_are_checked_where_they_stand() {
    assert!(err("notify:\n  timeout: 10\n").starts_with("shipgate.yml:2:12:"));
    assert!(err("notify:\n  backoff: 1.5s\n").contains("invalid duration `1.5s`"));
    assert!(err("notify:\n  ticket_pattern: \"[A-\"\n").contains("invalid regular expression"));
}

#[test]
fn log_paths_stay_inside_the_branch() {
    assert!(err("log:\n  path: /etc/x.csv\n").contains("invalid path `/etc/x.csv`"));
    assert!(err("log:\n  path: ../x.csv\n").contains("invalid path"));
    assert!(err("log:\n  branch: \"a b\"\n").contains("invalid branch name"));
    let c = parse("log:\n  project: acme\n", "t").unwrap();
    assert_eq!(c.log.branch, "shipgate-log");
}
