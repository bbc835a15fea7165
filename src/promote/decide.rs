//! Deciding a command: gather what the forge says (permission, teams, the tag's commit, the
//! deployment records) and run every check. The issue body is never trusted for what was
//! deployed: people with triage rights can edit it.
use jiff::Timestamp;
use semver::Version;

use crate::config::PromoteConfig;
use crate::config::promote::{AccessLevel, GitHubPermission};
use crate::forge::{CiJob, Deployment, DeploymentState, Forge, ForgeKind, Permission};
use crate::window::{Calendar, Risk};

use super::answer::Answer;
use super::checks::{
    self, Check, Gate, alone, freshness, hold_check, not_deployed_yet, permission_check,
    previous_passed, rollback_target, window_check,
};
use super::command::Command;
use super::error::PromoteError;

/// Everything a decision depends on besides the forge.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    /// `promote:`.
    pub promote: &'a PromoteConfig,
    /// Environments in promotion order.
    pub environments: &'a [String],
    /// `version.tag_prefix`.
    pub tag_prefix: &'a str,
    /// The deployment windows.
    pub calendar: &'a Calendar,
    /// Now.
    pub now: Timestamp,
}

/// What a deploying command deploys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The environment.
    pub environment: String,
    /// The release tag.
    pub tag: String,
    /// Its version.
    pub version: Version,
    /// The tag's commit.
    pub sha: String,
    /// The risk the window was judged with.
    pub risk: Risk,
}

/// A command and the result of every check it went through.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The command.
    pub command: Command,
    /// Each check, in the order asked.
    pub checks: Vec<Check>,
    /// What it deploys, once resolved.
    pub target: Option<Target>,
}

impl Decision {
    /// Every check passed.
    pub fn accepted(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// A comment asking for `command` on the deployment issue of `version`.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The command.
    pub command: &'a Command,
    /// Who commented.
    pub author: &'a str,
    /// When (RFC 3339).
    pub created_at: &'a str,
    /// The release the issue tracks.
    pub version: &'a Version,
    /// Our earlier answers on the issue, oldest first.
    pub answers: &'a [Answer],
}

/// The lowest permission the configuration asks for on this forge.
pub fn required_permission(forge: ForgeKind, promote: &PromoteConfig) -> Permission {
    match forge {
        ForgeKind::Gitlab => match promote.gitlab.access_level {
            AccessLevel::Developer => Permission::Write,
            AccessLevel::Maintainer => Permission::Maintain,
            AccessLevel::Owner => Permission::Admin,
        },
        ForgeKind::Github | ForgeKind::Local => match promote.github.permission {
            GitHubPermission::Write => Permission::Write,
            GitHubPermission::Maintain => Permission::Maintain,
            GitHubPermission::Admin => Permission::Admin,
        },
    }
}

/// Run every check for `request`.
pub async fn decide<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    request: Request<'_>,
) -> Result<Decision, PromoteError> {
    let command = request.command.clone();
    let mut decision = Decision {
        command: command.clone(),
        checks: vec![freshness(
            request.created_at,
            policy.now,
            policy.promote.max_comment_age.0,
        )],
        target: None,
    };
    let needs_admin = matches!(
        command,
        Command::Promote {
            override_window: Some(_),
            ..
        }
    );
    decision
        .checks
        .extend(authorize(forge, policy, request.author, &command, needs_admin).await?);
    let Some(environment) = command.deploys_to() else {
        return Ok(decision);
    };
    let Some(position) = policy.environments.iter().position(|e| e == environment) else {
        decision.checks.push(Check::fail(
            Gate::Command,
            format!(
                "`{environment}` is not one of the environments ({})",
                policy.environments.join(", ")
            ),
        ));
        return Ok(decision);
    };
    let deployments = forge.deployments(environment).await?;
    let target = match &command {
        Command::Promote {
            override_window, ..
        } => {
            let (checks, target) =
                promote_checks(forge, policy, &request, environment, position, &deployments)
                    .await?;
            decision.checks.extend(checks);
            if let Some(target) = &target {
                let verdict = policy.calendar.check(environment, target.risk, policy.now);
                decision.checks.push(window_check(
                    policy.calendar,
                    &verdict,
                    override_window.as_deref(),
                ));
            }
            decision.checks.push(hold_check(request.answers));
            target
        }
        Command::Rollback { version, .. } => {
            let wanted = version
                .as_ref()
                .map(|v| format!("{}{v}", policy.tag_prefix));
            match rollback_target(&deployments, environment, wanted.as_deref()) {
                Ok(d) => {
                    decision.checks.push(Check::pass(
                        Gate::What,
                        format!(
                            "{} was deployed successfully to {environment} (deployment {})",
                            d.git_ref, d.id
                        ),
                    ));
                    decision.checks.push(Check::pass(
                        Gate::When,
                        "rollbacks restore a known-good version and are not held by the window",
                    ));
                    version_of(&d.git_ref, policy.tag_prefix).map(|version| Target {
                        environment: environment.to_owned(),
                        tag: d.git_ref.clone(),
                        version,
                        sha: d.sha.clone(),
                        risk: Risk::Low,
                    })
                }
                Err(check) => {
                    decision.checks.push(check);
                    None
                }
            }
        }
        _ => None,
    };
    decision.checks.push(alone(
        environment,
        &deployments,
        request.answers,
        &CiJob::default(),
        policy.now,
        policy.promote.lock_timeout.0,
    ));
    decision.target = target;
    Ok(decision)
}

/// Who: the role, then the allow-list (users or teams) when one is configured.
async fn authorize<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    author: &str,
    command: &Command,
    needs_admin: bool,
) -> Result<Vec<Check>, PromoteError> {
    let has = forge.permission(author).await?;
    let required = required_permission(forge.kind(), policy.promote);
    let what = format!("`{}`", command.word());
    let mut out = vec![permission_check(author, has, required, &what)];
    if needs_admin {
        out.push(permission_check(
            author,
            has,
            Permission::Admin,
            "--override-window",
        ));
    }
    let promote = policy.promote;
    if promote.users.is_empty() && promote.teams.is_empty() {
        return Ok(out);
    }
    if promote.users.iter().any(|u| u.eq_ignore_ascii_case(author)) {
        out.push(Check::pass(
            Gate::Who,
            format!("@{author} is in promote.users"),
        ));
        return Ok(out);
    }
    for team in &promote.teams {
        if forge.team_member(team, author).await? {
            out.push(Check::pass(
                Gate::Who,
                format!("@{author} is a member of {team}"),
            ));
            return Ok(out);
        }
    }
    out.push(Check::fail(
        Gate::Who,
        format!("@{author} is neither in promote.users nor a member of promote.teams"),
    ));
    Ok(out)
}

/// What and risk for `/promote`: the previous environment ran exactly this tag and commit.
async fn promote_checks<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    request: &Request<'_>,
    environment: &str,
    position: usize,
    deployments: &[Deployment],
) -> Result<(Vec<Check>, Option<Target>), PromoteError> {
    let tag = format!("{}{}", policy.tag_prefix, request.version);
    let Some(previous) = position
        .checked_sub(1)
        .and_then(|i| policy.environments.get(i))
    else {
        return Ok((
            vec![Check::fail(
                Gate::Command,
                format!(
                    "{environment} is the first environment: the tag pipeline deploys it, there \
                     is nothing to promote from"
                ),
            )],
            None,
        ));
    };
    let Some(sha) = forge.tag_commit(&tag).await? else {
        return Ok((
            vec![Check::fail(
                Gate::What,
                format!("the tag {tag} does not exist on the forge"),
            )],
            None,
        ));
    };
    let release = forge.release_deployments(&tag).await?;
    let mut out = Vec::new();
    match previous_passed(&release, previous, &tag, &sha) {
        Ok(d) => out.push(Check::pass(
            Gate::What,
            format!(
                "{previous} runs {tag} at commit {} (deployment {}, success)",
                checks::short(&sha),
                d.id
            ),
        )),
        Err(check) => out.push(check),
    }
    if let Some(check) = not_deployed_yet(&release, environment, &tag) {
        out.push(check);
    }
    let current = deployments
        .iter()
        .find(|d| d.state == Some(DeploymentState::Success))
        .and_then(|d| version_of(&d.git_ref, policy.tag_prefix));
    let risk = match current {
        Some(current) if request.version.major > current.major => Risk::High,
        _ => Risk::Low,
    };
    let target = Target {
        environment: environment.to_owned(),
        tag,
        version: request.version.clone(),
        sha,
        risk,
    };
    Ok((out, Some(target)))
}

fn version_of(tag: &str, prefix: &str) -> Option<Version> {
    Version::parse(tag.strip_prefix(prefix)?).ok()
}
