//! The `notify:` section of `shipgate.yml`, read by `shipgate-notify`: the channels that hear
//! about a deployment, the language and templates of the messages, and what goes in them.
//!
//! Secrets never live here: channels name the environment variables that hold them.
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::span::Span;

/// The `notify:` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// The project's (or customer's) name in messages; empty: the repository's name.
    pub project: String,
    /// The language of messages unless a channel says otherwise (`en` or `es`).
    pub language: Language,
    /// A directory (relative to the repository root) of templates that replace the built-in
    /// ones: `LANG/EVENT.txt` and `LANG/EVENT.md`. Empty: built-in templates only.
    pub templates: PathBuf,
    /// Where to report problems after a deployment (an address, a channel, a URL).
    pub support: String,
    /// Ticket keys to collect from the release's commits, as a regular expression, besides
    /// `#123` and `Refs:`/`Closes:` footers.
    pub ticket_pattern: String,
    /// A URL for one ticket, `{ticket}` replaced by its key; empty: no links.
    pub ticket_url: String,
    /// Components deployed and their versions, besides the ones given with `--image`.
    pub components: BTreeMap<String, String>,
    /// What must be restarted during the deployment, as announced at start.
    pub restarts: Vec<String>,
    /// Time allowed for one attempt to reach a channel.
    pub timeout: Span,
    /// How many times a failed channel is tried again.
    pub retries: u32,
    /// Wait before the first retry; doubled before each further one.
    pub backoff: Span,
    /// Where messages go.
    pub channels: Vec<Channel>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            project: String::new(),
            language: Language::En,
            templates: PathBuf::new(),
            support: String::new(),
            ticket_pattern: DEFAULT_TICKET_PATTERN.to_owned(),
            ticket_url: String::new(),
            components: BTreeMap::new(),
            restarts: Vec::new(),
            timeout: Span::seconds(10),
            retries: 2,
            backoff: Span::seconds(1),
            channels: Vec::new(),
        }
    }
}

/// Jira-style keys: `ABC-123`.
pub const DEFAULT_TICKET_PATTERN: &str = r"\b[A-Z][A-Z0-9]+-[0-9]+\b";

/// A language messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Language {
    /// Every language with built-in templates.
    pub const ALL: [Language; 2] = [Language::En, Language::Es];

    /// The code, `en` or `es`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A moment of a deployment that people hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    /// It is about to start.
    Start,
    /// It runs past its estimate.
    Delay,
    /// It ended well.
    End,
    /// It failed.
    Failure,
    /// It was rolled back.
    Rollback,
    /// The environment went into maintenance mode for it.
    Maintenance,
    /// The environment came out of maintenance mode.
    #[serde(rename = "maintenance-end")]
    MaintenanceEnd,
}

impl Event {
    /// Every event, in the order of a deployment.
    pub const ALL: [Event; 7] = [
        Event::Start,
        Event::Maintenance,
        Event::Delay,
        Event::MaintenanceEnd,
        Event::End,
        Event::Failure,
        Event::Rollback,
    ];

    /// The name, as in templates and commands.
    pub fn name(self) -> &'static str {
        match self {
            Event::Start => "start",
            Event::Delay => "delay",
            Event::End => "end",
            Event::Failure => "failure",
            Event::Rollback => "rollback",
            Event::Maintenance => "maintenance",
            Event::MaintenanceEnd => "maintenance-end",
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// A Slack incoming webhook (Block Kit).
    Slack,
    /// A generic JSON webhook whose payload Teams, Mattermost and Discord accept.
    Webhook,
    /// E-mail over SMTP.
    Email,
    /// A comment on the release's deployment issue.
    Issue,
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChannelKind::Slack => "slack",
            ChannelKind::Webhook => "webhook",
            ChannelKind::Email => "email",
            ChannelKind::Issue => "issue",
        })
    }
}

/// One channel of `notify.channels`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// A unique name, shown in results instead of any address.
    pub name: String,
    /// What kind of channel.
    #[serde(rename = "type")]
    pub kind: ChannelKind,
    /// The events it hears about; empty: all.
    #[serde(default)]
    pub events: Vec<Event>,
    /// When true, failing to reach it (after retries) makes the command fail (exit 3).
    #[serde(default)]
    pub required: bool,
    /// Its language, instead of `notify.language`.
    #[serde(default)]
    pub language: Option<Language>,
    /// Slack and webhook: the environment variable holding the webhook URL.
    #[serde(default)]
    pub webhook_env: String,
    /// E-mail: how to reach the SMTP server.
    #[serde(default)]
    pub smtp: Option<Smtp>,
}

impl Channel {
    /// Whether it hears about `event`.
    pub fn wants(&self, event: Event) -> bool {
        self.events.is_empty() || self.events.contains(&event)
    }
}

/// How an e-mail channel reaches its SMTP server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    /// The server's host name.
    pub host: String,
    /// Its port [default: 587 for starttls, 465 for tls, 25 for none].
    #[serde(default)]
    pub port: Option<u16>,
    /// Transport security.
    #[serde(default)]
    pub security: SmtpSecurity,
    /// The user to log in as; empty: no authentication.
    #[serde(default)]
    pub username: String,
    /// The environment variable holding the password.
    #[serde(default)]
    pub password_env: String,
    /// A PEM file of CA certificates to trust besides the system's (relative to the repository
    /// root); empty: the system's only.
    #[serde(default)]
    pub ca_file: String,
    /// The sender, `Name <address>` or an address.
    pub from: String,
    /// The recipients.
    pub to: Vec<String>,
}

impl Smtp {
    /// Whether `host` is this machine: `localhost`, an address of 127.0.0.0/8 or `::1` —
    /// the only place `security: none` may send a password to.
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_end_matches('.');
        if host.eq_ignore_ascii_case("localhost") {
            return true;
        }
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        bare.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
    }
}

/// SMTP transport security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required).
    #[default]
    Starttls,
    /// TLS from the first byte.
    Tls,
    /// No encryption: only for a relay on the same host, and with a username only when the
    /// host is loopback (the password would cross the network in clear).
    None,
}
