//! Checks that need more than one value at a time, run after deserialisation.
//! Each problem names the path of the offending value so the caller can find its line.
use std::collections::HashSet;

use super::Config;
use super::locate::Step;
use super::windows::{EnvironmentWindow, default_environments};

/// A problem found after deserialisation: where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Path of the offending value.
    pub path: Vec<Step>,
    /// The message shown to the user.
    pub message: String,
}

impl Violation {
    pub(crate) fn new(path: Vec<Step>, message: String) -> Self {
        Self { path, message }
    }
}

/// The first problem in `config`, in document order of the sections.
pub(crate) fn validate(config: &Config) -> Option<Violation> {
    environments(&config.environments)
        .or_else(|| promote(config))
        .or_else(|| windows(config))
        .or_else(|| super::validate_gates::gates(config))
        .or_else(|| super::notify_checks::notify(&config.notify))
        .or_else(|| super::notify_checks::log(&config.log))
        .or_else(|| deploy(config))
}

fn deploy(config: &Config) -> Option<Violation> {
    for (name, env) in &config.deploy {
        let at = |key: &'static str| {
            vec![
                Step::Key("deploy"),
                Step::Name(name.clone()),
                Step::Key(key),
            ]
        };
        if !config.environments.contains(name) {
            return Some(Violation::new(
                vec![Step::Key("deploy"), Step::Name(name.clone())],
                format!(
                    "`{name}` is not in `environments` ({}); name one of them",
                    config.environments.join(", ")
                ),
            ));
        }
        let strategy = env.strategy.as_str();
        if env.strategy.has_steps() {
            let steps = &env.steps;
            let rising = steps.windows(2).all(|w| w[0] < w[1]);
            if steps.is_empty() || !rising || steps[0] == 0 || steps.last() != Some(&100) {
                return Some(Violation::new(
                    at("steps"),
                    format!(
                        "`{strategy}` needs rising steps in per cent from 1, the last one 100, \
                         such as [10, 50, 100]"
                    ),
                ));
            }
        } else if !env.steps.is_empty() {
            return Some(Violation::new(
                at("steps"),
                format!("`{strategy}` has no steps; remove `steps` or use canary or rolling"),
            ));
        }
        if env.keep_previous.0 > 0 && env.strategy != super::Strategy::BlueGreen {
            return Some(Violation::new(
                at("keep_previous"),
                format!(
                    "`{strategy}` keeps no previous colour; remove `keep_previous` or use blue-green"
                ),
            ));
        }
        for (key, hook) in [
            ("deploy_hook", &env.deploy_hook),
            ("switch_hook", &env.switch_hook),
        ] {
            if hook.trim().is_empty() {
                return Some(Violation::new(at(key), "the command is empty".to_owned()));
            }
        }
        if let Some(m) = &env.maintenance {
            for (key, hook) in [("on", &m.on), ("off", &m.off)] {
                if hook.trim().is_empty() {
                    let mut path = at("maintenance");
                    path.push(Step::Key(key));
                    return Some(Violation::new(path, "the command is empty".to_owned()));
                }
            }
        }
    }
    None
}

fn promote(config: &Config) -> Option<Violation> {
    let promote = &config.promote;
    let prefix = &promote.prefix;
    if prefix.is_empty() || prefix.chars().count() > 8 || prefix.chars().any(char::is_whitespace) {
        return Some(Violation::new(
            vec![Step::Key("promote"), Step::Key("prefix")],
            format!(
                "invalid command prefix `{prefix}`; use 1 to 8 characters without spaces, \
                 such as `/` or `!`"
            ),
        ));
    }
    let dispatch = &promote.dispatch;
    if dispatch.contains(['/', '\\']) {
        return Some(Violation::new(
            vec![Step::Key("promote"), Step::Key("dispatch")],
            format!(
                "`{dispatch}` is a path; name the workflow file in .github/workflows only, \
                 such as `deploy.yml`"
            ),
        ));
    }
    for (i, team) in promote.teams.iter().enumerate() {
        let parts: Vec<&str> = team.split('/').collect();
        if parts.len() < 2 || parts.iter().any(|p| p.is_empty() || p.contains(' ')) {
            return Some(Violation::new(
                vec![Step::Key("promote"), Step::Key("teams"), Step::Index(i)],
                format!(
                    "invalid team `{team}`; write `org/team-slug` (GitHub) or a group path \
                     such as `acme/release-managers` (GitLab)"
                ),
            ));
        }
    }
    None
}

fn environments(names: &[String]) -> Option<Violation> {
    let key = Step::Key("environments");
    if names.is_empty() {
        return Some(Violation::new(
            vec![key],
            "the list is empty; name at least one environment, e.g. [stage, production], \
             or remove the key to use that default"
                .to_owned(),
        ));
    }
    let mut seen = HashSet::new();
    for (i, name) in names.iter().enumerate() {
        let path = vec![key.clone(), Step::Index(i)];
        if !valid_environment_name(name) {
            return Some(Violation::new(
                path,
                format!(
                    "invalid environment name `{name}`; use letters, digits, `.`, `_` and `-`, \
                     starting with a letter or digit"
                ),
            ));
        }
        if !seen.insert(name.as_str()) {
            return Some(Violation::new(
                path,
                format!("`{name}` is listed twice; each environment must appear once"),
            ));
        }
    }
    None
}

/// Names appear in `/promote NAME` commands and CI variables: one token, no spaces.
pub(crate) fn valid_environment_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn windows(config: &Config) -> Option<Violation> {
    let windows = &config.windows;
    let section = Step::Key("windows");
    for (i, v) in windows.vacations.iter().enumerate() {
        if v.to < v.from {
            return Some(Violation::new(
                vec![
                    section.clone(),
                    Step::Key("vacations"),
                    Step::Index(i),
                    Step::Key("to"),
                ],
                format!(
                    "the vacation ends ({}) before it starts ({}); `to` is the last day off, \
                     on or after `from`",
                    v.to, v.from
                ),
            ));
        }
    }
    for (i, f) in windows.freezes.iter().enumerate() {
        if f.to <= f.from {
            return Some(Violation::new(
                vec![
                    section.clone(),
                    Step::Key("freezes"),
                    Step::Index(i),
                    Step::Key("to"),
                ],
                format!(
                    "the freeze ends ({}) before or when it starts ({}); `to` must be after `from`",
                    f.to, f.from
                ),
            ));
        }
        for (j, name) in f.environments.iter().enumerate() {
            if !config.environments.contains(name) {
                return Some(Violation::new(
                    vec![
                        section.clone(),
                        Step::Key("freezes"),
                        Step::Index(i),
                        Step::Key("environments"),
                        Step::Index(j),
                    ],
                    unknown_environment(name, &config.environments),
                ));
            }
        }
    }
    let built_in = default_environments();
    for (name, entry) in &windows.environments {
        // The built-in `stage: { open: true }` does nothing where there is no stage.
        let is_built_in = built_in.get(name) == Some(entry);
        if !config.environments.contains(name) && !is_built_in {
            return Some(Violation::new(
                vec![
                    section.clone(),
                    Step::Key("environments"),
                    Step::Name(name.clone()),
                ],
                unknown_environment(name, &config.environments),
            ));
        }
    }
    time_left(config)
}

pub(crate) fn unknown_environment(name: &str, environments: &[String]) -> String {
    format!(
        "`{name}` is not one of the environments ({}); check `environments`",
        environments.join(", ")
    )
}

/// `min_time_left` must leave part of `hours` open, for every environment and risk.
fn time_left(config: &Config) -> Option<Violation> {
    let windows = &config.windows;
    let mut names: Vec<&String> = config.environments.iter().collect();
    names.extend(windows.environments.keys());
    for name in names {
        for high in [false, true] {
            let policy = windows.policy(name, high);
            let length = u32::from(policy.hours.end_minute() - policy.hours.start_minute());
            if policy.open || policy.min_time_left.0 < length {
                continue;
            }
            let env = windows.environments.get(name);
            let env_high = env.and_then(|e| e.high_risk.as_ref());
            let mut path = vec![Step::Key("windows")];
            if high && env_high.is_some_and(|h| h.min_time_left.is_some()) {
                path.extend([Step::Key("environments"), Step::Name(name.clone())]);
                path.extend([Step::Key("high_risk"), Step::Key("min_time_left")]);
            } else if high && windows.high_risk.min_time_left.is_some() {
                path.extend([Step::Key("high_risk"), Step::Key("min_time_left")]);
            } else if env.is_some_and(|e: &EnvironmentWindow| e.min_time_left.is_some()) {
                path.extend([Step::Key("environments"), Step::Name(name.clone())]);
                path.push(Step::Key("min_time_left"));
            } else {
                path.push(Step::Key("min_time_left"));
            }
            let whom = if high {
                format!("high-risk releases to {name}")
            } else {
                name.clone()
            };
            return Some(Violation::new(
                path,
                format!(
                    "{} leaves no time to start a deployment within the hours {} ({whom}); \
                     make it shorter than the hours",
                    policy.min_time_left, policy.hours
                ),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&Config::default()), None);
    }

    #[test]
    fn environment_names_are_single_tokens() {
        for ok in ["stage", "production", "eu-west.1", "QA_2"] {
            assert!(valid_environment_name(ok), "{ok}");
        }
        for bad in ["", "-stage", "pre prod", "prod/eu", "ünïcode"] {
            assert!(!valid_environment_name(bad), "{bad}");
        }
    }

    #[test]
    fn duplicate_environments_point_at_the_second_one() {
        let names = ["stage", "production", "stage"].map(String::from);
        let v = environments(&names).unwrap();
        assert_eq!(v.path, [Step::Key("environments"), Step::Index(2)]);
    }
}
