//! Checks of `gates:` that need more than one value: unique names, keys that belong to the
//! gate's type, required keys, known environments.
use std::collections::HashSet;

use super::gates::{GateConfig, GateKind};
use super::locate::Step;
use super::validate::{Violation, unknown_environment, valid_environment_name};
use super::{Config, Span};

/// The first problem in `gates:`, in document order.
pub(crate) fn gates(config: &Config) -> Option<Violation> {
    let mut names = HashSet::new();
    for (i, gate) in config.gates.iter().enumerate() {
        let at = |key: &'static str| vec![Step::Key("gates"), Step::Index(i), Step::Key(key)];
        if !valid_environment_name(&gate.name) {
            return Some(Violation::new(
                at("name"),
                format!(
                    "invalid gate name `{}`; use letters, digits, `.`, `_` and `-`, starting \
                     with a letter or digit",
                    gate.name
                ),
            ));
        }
        if !names.insert(gate.name.as_str()) {
            return Some(Violation::new(
                at("name"),
                format!(
                    "a gate named `{}` is already listed; names must be unique",
                    gate.name
                ),
            ));
        }
        for (j, env) in gate.environments.iter().enumerate() {
            if !config.environments.contains(env) {
                let mut path = at("environments");
                path.push(Step::Index(j));
                return Some(Violation::new(
                    path,
                    unknown_environment(env, &config.environments),
                ));
            }
        }
        if let Some(v) = empty_text(gate, &at) {
            return Some(v);
        }
        let own = gate.kind.keys();
        if let Some(key) = gate.keys_set().into_iter().find(|k| !own.contains(k)) {
            return Some(Violation::new(
                at(key),
                format!(
                    "`{key}` does not apply to a {} gate; its keys: {}",
                    gate.kind.as_str(),
                    own.join(", ")
                ),
            ));
        }
        let has_url = gate.url.is_some() || !config.prometheus.url.is_empty();
        if let Some(v) = required(gate, has_url, &at)
            .or_else(|| consistent(gate, &at))
            .or_else(|| maintenance_status(config, gate, &at))
        {
            return Some(v);
        }
    }
    None
}

/// A `maintenance` gate asks each environment it runs in for its status: every one of them
/// needs `deploy.ENV.maintenance.status`.
fn maintenance_status(
    config: &Config,
    gate: &GateConfig,
    at: &impl Fn(&'static str) -> Vec<Step>,
) -> Option<Violation> {
    if gate.kind != GateKind::Maintenance {
        return None;
    }
    let runs_in = if gate.environments.is_empty() {
        &config.environments
    } else {
        &gate.environments
    };
    runs_in
        .iter()
        .find(|env| {
            config
                .deploy
                .get(*env)
                .and_then(|d| d.maintenance.as_ref())
                .and_then(|m| m.status.as_deref())
                .is_none_or(|s| s.trim().is_empty())
        })
        .map(|env| {
            Violation::new(
                at("name"),
                format!(
                    "the maintenance gate `{}` runs in {env}, which has no \
                     `deploy.{env}.maintenance.status`: add the command that prints on or off, \
                     or limit the gate with `environments:`",
                    gate.name
                ),
            )
        })
}

/// Names and texts that must not be empty when given.
fn empty_text(gate: &GateConfig, at: &impl Fn(&'static str) -> Vec<Step>) -> Option<Violation> {
    let texts = [
        ("step", gate.step.as_deref()),
        ("checklist", gate.checklist.as_deref()),
        ("url", gate.url.as_deref()),
        ("path", gate.path.as_deref()),
        ("query", gate.query.as_deref()),
    ];
    texts
        .into_iter()
        .find(|(_, text)| text.is_some_and(|t| t.trim().is_empty()))
        .map(|(key, _)| {
            Violation::new(
                at(key),
                format!("`{key}` is empty; give a value or remove the key"),
            )
        })
}

/// The keys a gate of its type cannot do without.
fn required(
    gate: &GateConfig,
    has_url: bool,
    at: &impl Fn(&'static str) -> Vec<Step>,
) -> Option<Violation> {
    let missing: &[(&'static str, bool, &str)] = match gate.kind {
        GateKind::Http => &[("url", gate.url.is_some(), "the address to request")],
        GateKind::Command => &[(
            "command",
            !gate.command.is_empty(),
            "the program and its arguments as a list",
        )],
        GateKind::File => &[("path", gate.path.is_some(), "the file to check")],
        GateKind::Prometheus => &[
            ("query", gate.query.is_some(), "the PromQL query"),
            ("threshold", gate.threshold.is_some(), "e.g. \"< 0.05\""),
            (
                "url",
                has_url,
                "the Prometheus server, here or as `prometheus.url`",
            ),
        ],
        GateKind::Wait => &[("duration", gate.duration.is_some(), "e.g. 60s")],
        GateKind::Maintenance => &[],
    };
    missing
        .iter()
        .find(|(_, present, _)| !present)
        .map(|(key, _, what)| {
            Violation::new(
                at("name"),
                format!(
                    "the {} gate `{}` needs `{key}`: {what}",
                    gate.kind.as_str(),
                    gate.name
                ),
            )
        })
}

/// Values that must agree with each other.
fn consistent(gate: &GateConfig, at: &impl Fn(&'static str) -> Vec<Step>) -> Option<Violation> {
    if gate.shell == Some(true) && gate.command.len() != 1 {
        return Some(Violation::new(
            at("command"),
            "with `shell: true`, `command` is one script, e.g. [\"pg_restore --list db.dump | \
             grep -q users\"]"
                .to_owned(),
        ));
    }
    if gate.json_pointer.is_some() != gate.json_equals.is_some() {
        let key = if gate.json_pointer.is_some() {
            "json_pointer"
        } else {
            "json_equals"
        };
        return Some(Violation::new(
            at(key),
            "`json_pointer` and `json_equals` go together: the value at the pointer must equal \
             `json_equals`"
                .to_owned(),
        ));
    }
    if let Some(pointer) = &gate.json_pointer {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Some(Violation::new(
                at("json_pointer"),
                format!("invalid JSON pointer `{pointer}`; it starts with `/`, e.g. /status"),
            ));
        }
    }
    if let Some(status) = gate.status {
        if !(100..=599).contains(&status) {
            return Some(Violation::new(
                at("status"),
                format!("invalid HTTP status {status}; use 100 to 599"),
            ));
        }
    }
    for variable in gate.headers_env.values() {
        if !valid_variable(variable) {
            return Some(Violation::new(
                at("headers_env"),
                format!(
                    "`{variable}` is not an environment variable name; name the variable that \
                     holds the value (e.g. SMOKE_TOKEN), never the value itself"
                ),
            ));
        }
    }
    for key in ["timeout", "interval"] {
        let value = if key == "timeout" {
            gate.timeout
        } else {
            gate.interval
        };
        if value == Some(Span(0)) {
            return Some(Violation::new(
                at(key),
                format!("`{key}` must be at least 1s"),
            ));
        }
    }
    if gate.kind == GateKind::Prometheus {
        let duration = gate.duration.unwrap_or(Span::seconds(300));
        if gate.breach_for.is_some_and(|f| f > duration) {
            return Some(Violation::new(
                at("for"),
                format!("`for` is longer than `duration` ({duration}); the gate could never fail"),
            ));
        }
    }
    None
}

/// `SMOKE_TOKEN`: letters, digits and `_`, not starting with a digit.
fn valid_variable(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use crate::config::parse;

    fn err(text: &str) -> String {
        parse(text, "shipgate.yml").unwrap_err().to_string()
    }

    #[test]
    fn a_full_gate_list_loads() {
        let config = parse(
            "\
prometheus: { url: \"http://prometheus:9090\" }
gates:
  - { name: backup, type: file, path: backups/db.dump, step: pre-deploy, checklist: Backups verified }
  - name: smoke
    type: http
    url: https://stage.example/health
    json_pointer: /status
    json_equals: ok
    headers_env: { Authorization: SMOKE_TOKEN }
    environments: [stage]
  - { name: errors, type: prometheus, query: 'sum(rate(x[5m]))', threshold: \"< 0.05\", fail_fast: \"> 0.10\", interval: 30s, duration: 5m }
  - { name: soak, type: wait, duration: 2m }
  - { name: restore, type: command, command: [\"pg_restore --list db.dump\"], shell: true, timeout: 1m }
",
            "f",
        )
        .unwrap();
        assert_eq!(config.gates.len(), 5);
        assert_eq!(config.gates[2].duration, Some(super::Span::seconds(300)));
        assert_eq!(config.gates[1].json_equals, Some(serde_json::json!("ok")));
    }

    #[test]
    fn problems_point_at_their_place() {
        assert_eq!(
            err(
                "gates:\n  - { name: a, type: wait, duration: 1s }\n  - { name: a, type: wait, duration: 1s }\n"
            ),
            "shipgate.yml:3:13: `gates[1].name`: a gate named `a` is already listed; names must be unique"
        );
        assert_eq!(
            err("gates:\n  - name: a\n    type: http\n    url: http://x\n    query: up\n"),
            "shipgate.yml:5:12: `gates[0].query`: `query` does not apply to a http gate; its keys: url, method, \
             status, body_contains, json_pointer, json_equals, timeout, retries, backoff, \
             headers_env"
        );
        assert_eq!(
            err("gates:\n  - { name: p, type: prometheus, query: up, threshold: \"> 0\" }\n"),
            "shipgate.yml:2:13: `gates[0].name`: the prometheus gate `p` needs `url`: the Prometheus server, \
             here or as `prometheus.url`"
        );
        assert!(err("gates:\n  - { name: p, type: prometheus, url: http://p, query: up, threshold: \"=> 0\" }\n")
            .starts_with("shipgate.yml:2:71: `gates[0].threshold`: invalid threshold `=> 0`"));
        assert!(
            err("gates:\n  - { name: w, type: wait, duration: 5 }\n")
                .contains("invalid duration `5`")
        );
        assert!(err("gates:\n  - { name: h, type: http, url: http://x, headers_env: { A: \"Bearer x\" } }\n")
            .contains("is not an environment variable name"));
        assert!(
            err("gates:\n  - { name: c, type: command, command: [a, b], shell: true }\n")
                .contains("one script")
        );
        assert!(
            err("gates:\n  - { name: w, type: wait, duration: 1s, environments: [prod] }\n")
                .contains("`prod` is not one of the environments")
        );
        assert!(
            err("gates:\n  - { name: w, type: sleep }\n")
                .contains("invalid value `sleep` for `gates[0].type`")
        );
    }
}
