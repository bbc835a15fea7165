//! Checks of the `notify:` and `log:` sections that serde cannot make on its own.
use std::collections::HashSet;

use super::locate::Step;
use super::log::LogConfig;
use super::notify::{ChannelKind, NotifyConfig, SmtpSecurity};
use super::validate::Violation;

/// Names are shown in results and chosen with `--channel`: one token.
fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Environment variable names: letters, digits and `_`, not starting with a digit.
fn valid_env_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The first problem of the `notify:` section.
pub(crate) fn notify(notify: &NotifyConfig) -> Option<Violation> {
    let section = Step::Key("notify");
    if let Err(e) = regex::Regex::new(&notify.ticket_pattern) {
        return Some(Violation::new(
            vec![section, Step::Key("ticket_pattern")],
            format!("invalid regular expression: {e}"),
        ));
    }
    let mut seen = HashSet::new();
    for (i, channel) in notify.channels.iter().enumerate() {
        let at = |key: &'static str| {
            vec![
                Step::Key("notify"),
                Step::Key("channels"),
                Step::Index(i),
                Step::Key(key),
            ]
        };
        let name = &channel.name;
        if !valid_name(name) {
            return Some(Violation::new(
                at("name"),
                format!(
                    "invalid channel name `{name}`; use letters, digits, `.`, `_` and `-`, \
                     starting with a letter or digit"
                ),
            ));
        }
        if !seen.insert(name.as_str()) {
            return Some(Violation::new(
                at("name"),
                format!("`{name}` is used twice; each channel needs its own name"),
            ));
        }
        let webhook = matches!(channel.kind, ChannelKind::Slack | ChannelKind::Webhook);
        if webhook && !valid_env_name(&channel.webhook_env) {
            return Some(Violation::new(
                at("webhook_env"),
                format!(
                    "a {} channel needs `webhook_env`: the NAME of the environment variable \
                     that holds the webhook URL (never the URL itself), e.g. SLACK_DEV_WEBHOOK",
                    channel.kind
                ),
            ));
        }
        if !webhook && !channel.webhook_env.is_empty() {
            return Some(Violation::new(
                at("webhook_env"),
                format!(
                    "a {} channel has no webhook; remove `webhook_env`",
                    channel.kind
                ),
            ));
        }
        match (&channel.smtp, channel.kind) {
            (None, ChannelKind::Email) => {
                return Some(Violation::new(
                    at("name"),
                    "an email channel needs `smtp:` with host, from and to".to_owned(),
                ));
            }
            (Some(_), kind) if kind != ChannelKind::Email => {
                return Some(Violation::new(
                    at("smtp"),
                    format!("`smtp` is for email channels only, not {kind}"),
                ));
            }
            (Some(smtp), _) => {
                let mut smtp_at = at("smtp");
                if smtp.to.is_empty() {
                    smtp_at.push(Step::Key("to"));
                    return Some(Violation::new(
                        smtp_at,
                        "no recipients; list at least one address in `to`".to_owned(),
                    ));
                }
                if !smtp.username.is_empty() && !valid_env_name(&smtp.password_env) {
                    smtp_at.push(Step::Key("password_env"));
                    return Some(Violation::new(
                        smtp_at,
                        "with a username, `password_env` must name the environment variable \
                         holding the password (never the password itself), e.g. SMTP_PASSWORD"
                            .to_owned(),
                    ));
                }
                if smtp.security == SmtpSecurity::None
                    && !smtp.username.is_empty()
                    && !smtp.is_loopback()
                {
                    smtp_at.push(Step::Key("security"));
                    return Some(Violation::new(
                        smtp_at,
                        format!(
                            "`security: none` would send the password of `{}` in clear to `{}`; \
                             use `security: starttls` (port 587) or `security: tls` (port 465) — \
                             `none` with a username only for a relay on this host (localhost, \
                             127.0.0.0/8 or ::1)",
                            smtp.username, smtp.host
                        ),
                    ));
                }
            }
            (None, _) => {}
        }
    }
    None
}

/// The first problem of the `log:` section.
pub(crate) fn log(log: &LogConfig) -> Option<Violation> {
    let at = |key: &'static str| vec![Step::Key("log"), Step::Key(key)];
    if log.path.is_empty() || log.path.starts_with('/') || log.path.split('/').any(|p| p == "..") {
        return Some(Violation::new(
            at("path"),
            format!(
                "invalid path `{}`; use a relative path inside the log branch, such as \
                 deployments/{{project}}.csv",
                log.path
            ),
        ));
    }
    if log.branch.is_empty()
        || log.branch.contains(char::is_whitespace)
        || log.branch.contains("..")
    {
        return Some(Violation::new(
            at("branch"),
            format!("invalid branch name `{}`", log.branch),
        ));
    }
    None
}
