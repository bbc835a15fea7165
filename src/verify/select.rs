//! From `gates:` to the gates to run: chosen by name, environment and step; defaults filled in;
//! header secrets looked up.
use std::path::Path;
use std::time::Duration;

use secrecy::SecretString;

use crate::config::{Config, GateConfig, GateKind, Span};

use super::VerifyError;
use super::model::{Check, CommandCheck, FileCheck, Gate, HttpCheck, MaintenanceCheck, PromCheck};

/// Which gates to run.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    /// Only these gates, by name (empty: all that match the environment and step).
    pub names: &'a [String],
    /// The environment (`None`: gates of every environment).
    pub environment: Option<&'a str>,
    /// The step (`None`: every step).
    pub step: Option<&'a str>,
}

/// The gates of `config` that `selection` chooses, in configuration order. `root` is the
/// repository root (files and commands are relative to it); `secret` looks up an environment
/// variable holding a header value.
pub fn select(
    config: &Config,
    selection: &Selection<'_>,
    root: &Path,
    secret: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Gate>, VerifyError> {
    for name in selection.names {
        if !config.gates.iter().any(|g| &g.name == name) {
            let known: Vec<&str> = config.gates.iter().map(|g| g.name.as_str()).collect();
            return Err(VerifyError::UnknownGate {
                name: name.clone(),
                known: if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                },
            });
        }
    }
    config
        .gates
        .iter()
        .filter(|g| selection.names.is_empty() || selection.names.contains(&g.name))
        .filter(|g| g.runs_in(selection.environment) && g.runs_at(selection.step))
        .map(|g| gate(config, g, selection.environment, root, secret))
        .collect()
}

fn seconds(value: Option<Span>, default: u32) -> Duration {
    value
        .unwrap_or(Span::seconds(u64::from(default)))
        .duration()
}

fn gate(
    config: &Config,
    g: &GateConfig,
    environment: Option<&str>,
    root: &Path,
    secret: &dyn Fn(&str) -> Option<String>,
) -> Result<Gate, VerifyError> {
    let check = match g.kind {
        GateKind::Http => {
            let mut headers = Vec::new();
            for (header, variable) in &g.headers_env {
                let value = secret(variable).ok_or_else(|| VerifyError::MissingSecret {
                    gate: g.name.clone(),
                    header: header.clone(),
                    variable: variable.clone(),
                })?;
                if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err()
                    || reqwest::header::HeaderValue::from_str(&value).is_err()
                {
                    return Err(VerifyError::BadHeader {
                        gate: g.name.clone(),
                        header: header.clone(),
                    });
                }
                headers.push((header.clone(), SecretString::from(value)));
            }
            Check::Http(HttpCheck {
                url: g.url.clone().unwrap_or_default(),
                method: g.method.unwrap_or_default(),
                status: g.status.unwrap_or(200),
                body_contains: g.body_contains.clone(),
                json: g.json_pointer.clone().zip(g.json_equals.clone()),
                timeout: seconds(g.timeout, 10),
                retries: g.retries.unwrap_or(2),
                backoff: seconds(g.backoff, 1),
                headers,
            })
        }
        GateKind::Command => Check::Command(CommandCheck {
            argv: g.command.clone(),
            shell: g.shell.unwrap_or(false),
            timeout: seconds(g.timeout, 300),
            dir: root.to_path_buf(),
        }),
        GateKind::File => {
            let shown = g.path.clone().unwrap_or_default();
            Check::File(FileCheck {
                path: root.join(&shown),
                shown,
                min_size: g.min_size.unwrap_or(1),
            })
        }
        GateKind::Prometheus => {
            let duration = seconds(g.duration, 300);
            Check::Prometheus(PromCheck {
                url: g
                    .url
                    .clone()
                    .unwrap_or_else(|| config.prometheus.url.clone()),
                query: g.query.clone().unwrap_or_default(),
                threshold: g.threshold.unwrap_or(super::Threshold {
                    op: super::Op::Lt,
                    bound: 0.05,
                }),
                fail_fast: g.fail_fast,
                interval: seconds(g.interval, 30),
                duration,
                breach_for: g.breach_for.map_or(duration, Span::duration),
                missing: g.missing.unwrap_or_default(),
                timeout: seconds(g.timeout, 10),
            })
        }
        GateKind::Wait => Check::Wait(seconds(g.duration, 0)),
        GateKind::Maintenance => Check::Maintenance(maintenance(config, g, environment, root)?),
    };
    Ok(Gate {
        name: g.name.clone(),
        checklist: g.checklist.clone(),
        check,
    })
}

/// A maintenance gate asks the status command of the environment being verified, which
/// `--env` must name (configuration validation made sure it has one).
fn maintenance(
    config: &Config,
    g: &GateConfig,
    environment: Option<&str>,
    root: &Path,
) -> Result<MaintenanceCheck, VerifyError> {
    let environment = environment.ok_or_else(|| VerifyError::MaintenanceNeedsEnv {
        gate: g.name.clone(),
    })?;
    let status = config
        .deploy
        .get(environment)
        .and_then(|d| d.maintenance.as_ref())
        .and_then(|m| m.status.clone())
        .ok_or_else(|| VerifyError::NoMaintenanceStatus {
            gate: g.name.clone(),
            environment: environment.to_owned(),
        })?;
    Ok(MaintenanceCheck {
        environment: environment.to_owned(),
        command: CommandCheck {
            // `$0` names the call; the environment is a word of its own, never pasted in.
            argv: vec![
                format!("{status} \"$@\""),
                "shipgate-maintenance-status".to_owned(),
                environment.to_owned(),
            ],
            shell: true,
            timeout: seconds(g.timeout, 60),
            dir: root.to_path_buf(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;
    use secrecy::ExposeSecret;

    const CONFIG: &str = "\
gates:
  - { name: backup, type: file, path: db.dump, step: pre-deploy }
  - { name: smoke, type: http, url: http://x, environments: [stage], headers_env: { Authorization: SMOKE_TOKEN } }
  - { name: soak, type: wait, duration: 1s, step: post-deploy }
";

    #[test]
    fn gates_are_chosen_by_name_environment_and_step() {
        let config = parse(CONFIG, "f").unwrap();
        let secret = |name: &str| (name == "SMOKE_TOKEN").then(|| "Bearer s3cret".to_owned());
        let names = |s: Selection<'_>| -> Vec<String> {
            select(&config, &s, Path::new("/r"), &secret)
                .unwrap()
                .into_iter()
                .map(|g| g.name)
                .collect()
        };
        assert_eq!(names(Selection::default()), ["backup", "smoke", "soak"]);
        let production = Selection {
            environment: Some("production"),
            ..Selection::default()
        };
        assert_eq!(names(production), ["backup", "soak"]);
        let pre = Selection {
            step: Some("pre-deploy"),
            ..Selection::default()
        };
        assert_eq!(names(pre), ["backup", "smoke"]);
        let only = ["soak".to_owned()];
        let by_name = Selection {
            names: &only,
            ..Selection::default()
        };
        assert_eq!(names(by_name), ["soak"]);

        let gates = select(&config, &Selection::default(), Path::new("/r"), &secret).unwrap();
        let Check::Http(http) = &gates[1].check else {
            panic!()
        };
        assert_eq!(http.headers[0].1.expose_secret(), "Bearer s3cret");
        assert!(
            !format!("{:?}", gates[1]).contains("s3cret"),
            "Debug hides secrets"
        );
        let Check::File(file) = &gates[0].check else {
            panic!()
        };
        assert_eq!(file.path, Path::new("/r/db.dump"));
    }

    #[test]
    fn unknown_names_and_unset_secrets_are_errors() {
        let config = parse(CONFIG, "f").unwrap();
        let none = |_: &str| None;
        let only = ["smok".to_owned()];
        let err = select(
            &config,
            &Selection {
                names: &only,
                ..Selection::default()
            },
            Path::new("/r"),
            &none,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no gate named `smok` in `gates:`; configured gates: backup, smoke, soak"
        );
        let err = select(&config, &Selection::default(), Path::new("/r"), &none).unwrap_err();
        assert!(err.to_string().contains("SMOKE_TOKEN, which is not set"));
    }
}
