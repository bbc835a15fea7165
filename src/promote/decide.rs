//! Deciding a command: gather what the forge says (permission, teams, the tag's commit, the
//! deployment records) and run every check. The issue body is never trusted for what was
//! deployed: people with triage rights can edit it.
use jiff::Timestamp;
use semver::Version;

use crate::config::PromoteConfig;
use crate::config::promote::{AccessLevel, CheckSet, GitHubPermission, RequiredChecks};
use crate::forge::{
    CiJob, Deployment, DeploymentQuery, DeploymentState, Forge, ForgeKind, Permission, scan,
};
use crate::seal::Seal;
use crate::window::{Calendar, Risk};

use super::answer::Answer;
use super::checks::{
    self, Check, Gate, alone, freshness, hold_check, not_deployed_yet, permission_check,
    previous_passed, rollback_check, untampered, window_check,
};
use super::command::Command;
use super::error::PromoteError;
use super::ready::readiness;

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
    /// Proves shipgate's own markers unaltered.
    pub seal: &'a Seal,
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
    pub created_at: Timestamp,
    /// The release the issue tracks.
    pub version: &'a Version,
    /// Our earlier answers on the issue, oldest first.
    pub answers: &'a [Answer],
    /// Accepted answers of ours on the other open deployment issues, oldest first: a promotion
    /// still waiting there blocks this one.
    pub elsewhere: &'a [Answer],
    /// Other open deployment issues whose sealed comment names this release too.
    pub claiming: &'a [u64],
    /// The release shipgate's sealed comment on the issue names, when one is proven.
    pub sealed: Option<&'a Version>,
    /// What the commenter may do in the repository (asked once, before anything else).
    pub permission: Permission,
    /// Our comments on the issue whose decision someone altered.
    pub tampered: &'a [u64],
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
    decision.checks.extend(
        authorize(
            forge,
            policy,
            request.author,
            request.permission,
            &command,
            needs_admin,
        )
        .await?,
    );
    let Some(environment) = command.deploys_to() else {
        return Ok(decision);
    };
    // Who may not, or a stale comment: nothing more is read for it.
    if decision.checks.iter().any(|c| !c.passed) {
        return Ok(decision);
    }
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
    if let Some(check) = unproven_release(request.version, request.sealed, policy)
        .or_else(|| claimed_twice(request.version, request.claiming, policy.tag_prefix))
    {
        decision.checks.push(check);
        return Ok(decision);
    }
    let wanted = match &command {
        Command::Rollback { version, .. } => version
            .as_ref()
            .map(|v| crate::release::tag_name(policy.tag_prefix, v)),
        _ => None,
    };
    let rollback = matches!(command, Command::Rollback { .. });
    let window_start = lock_window_start(policy);
    let deployments = scan(
        forge,
        &DeploymentQuery::environment(environment),
        |read: &[Deployment]| {
            let past_window = read.last().is_some_and(|d| created_before(d, window_start));
            past_window
                && if rollback {
                    rollback_check(read, environment, wanted.as_deref(), policy.tag_prefix).is_ok()
                } else {
                    read.iter()
                        .any(|d| d.state == Some(DeploymentState::Success))
                }
        },
    )
    .await?;
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
            decision.checks.push(untampered(request.tampered));
            target
        }
        Command::Rollback { .. } => {
            match rollback_check(
                &deployments,
                environment,
                wanted.as_deref(),
                policy.tag_prefix,
            ) {
                Ok(d) => {
                    let now_at = forge.tag_commit(&d.git_ref).await?;
                    decision
                        .checks
                        .push(same_commit_as_ran(&d, now_at.as_deref(), environment));
                    decision.checks.push(Check::pass(
                        Gate::When,
                        "rollbacks restore a known-good version and are not held by the window",
                    ));
                    crate::release::version_of_tag(&d.git_ref, policy.tag_prefix).map(|version| {
                        Target {
                            environment: environment.to_owned(),
                            tag: d.git_ref.clone(),
                            version,
                            sha: d.sha.clone(),
                            risk: Risk::Low,
                        }
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
    let answers: Vec<Answer> = request
        .elsewhere
        .iter()
        .chain(request.answers)
        .cloned()
        .collect();
    decision.checks.push(alone(
        environment,
        &deployments,
        &answers,
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
    has: Permission,
    command: &Command,
    needs_admin: bool,
) -> Result<Vec<Check>, PromoteError> {
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
    let tag = crate::release::tag_name(policy.tag_prefix, request.version);
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
    let ci = forge.commit_checks(&tag, &sha).await?;
    let protected = match policy.promote.required_checks {
        RequiredChecks::Kind(CheckSet::Required) => forge.required_check_names().await?,
        _ => None,
    };
    out.push(readiness(
        &sha,
        &ci,
        &policy.promote.required_checks,
        protected.as_deref(),
        &policy.promote.ignored_checks,
    ));
    let current = deployments
        .iter()
        .find(|d| d.state == Some(DeploymentState::Success))
        .and_then(|d| crate::release::version_of_tag(&d.git_ref, policy.tag_prefix));
    if let Some(check) = downgrade(current.as_ref(), request.version, environment, policy) {
        out.push(check);
    }
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

/// A promotion may not take `environment` back to an older version than it runs: that is a
/// rollback, with its own command and checks.
fn downgrade(
    current: Option<&Version>,
    wanted: &Version,
    environment: &str,
    policy: Policy<'_>,
) -> Option<Check> {
    let current = current.filter(|current| wanted < *current)?;
    let prefix = policy.tag_prefix;
    Some(Check::fail(
        Gate::What,
        format!(
            "{environment} runs {prefix}{current}, newer than {prefix}{wanted}; to go back, comment              `{}rollback {environment} {prefix}{wanted}`",
            policy.promote.prefix
        ),
    ))
}

/// A rollback deploys the commit `environment` ran: the tag must still point at it.
fn same_commit_as_ran(ran: &Deployment, tag_commit: Option<&str>, environment: &str) -> Check {
    match tag_commit {
        Some(sha) if sha.eq_ignore_ascii_case(&ran.sha) => Check::pass(
            Gate::What,
            format!(
                "{} ran successfully on {environment} at commit {} (deployment {}), where the tag \
                 still points",
                ran.git_ref,
                checks::short(&ran.sha),
                ran.id
            ),
        ),
        Some(sha) => Check::fail(
            Gate::What,
            format!(
                "{environment} ran {} at commit {}, but the tag now points at {}: the tag moved, \
                 so it is not the version that ran",
                ran.git_ref,
                checks::short(&ran.sha),
                checks::short(sha)
            ),
        ),
        None => Check::fail(
            Gate::What,
            format!("the tag {} no longer exists on the forge", ran.git_ref),
        ),
    }
}

/// A release two open deployment issues claim: one body was edited, and which issue speaks for
/// the release is no longer known.
pub(super) fn claimed_twice(version: &Version, others: &[u64], prefix: &str) -> Option<Check> {
    (!others.is_empty()).then(|| {
        let numbers: Vec<String> = others.iter().map(|n| format!("#{n}")).collect();
        Check::fail(
            Gate::What,
            format!(
                "{} also tracks {prefix}{version} by shipgate's sealed comment: close the issue \
                 that should not, then comment again",
                numbers.join(", ")
            ),
        )
    })
}

/// A refusal when the release the issue body names is not the one shipgate sealed on the issue:
/// the body was edited, or the sealed comment was deleted or altered.
pub(super) fn unproven_release(
    body: &Version,
    sealed: Option<&Version>,
    policy: Policy<'_>,
) -> Option<Check> {
    let prefix = policy.tag_prefix;
    let with_key = if policy.seal.keyed() {
        " with the same SHIPGATE_SIGNING_KEY"
    } else {
        ""
    };
    match sealed {
        Some(sealed) if sealed == body => None,
        Some(sealed) => Some(Check::fail(
            Gate::What,
            format!(
                "the issue body names {prefix}{body} but shipgate sealed {prefix}{sealed} on \
                 this issue: the body was edited; restore it or use the issue of {prefix}{body}"
            ),
        )),
        None => Some(Check::fail(
            Gate::What,
            format!(
                "shipgate's sealed comment naming the release is missing or was altered; run \
                 `shipgate-issue open --version {body}`{with_key} again to write it"
            ),
        )),
    }
}

/// Deployments created before this can no longer hold the lock (`promote.lock_timeout`).
pub(super) fn lock_window_start(policy: Policy<'_>) -> Timestamp {
    policy.now - jiff::SignedDuration::from_mins(i64::from(policy.promote.lock_timeout.0))
}

/// Whether `deployment` was created before `at`.
pub(super) fn created_before(deployment: &Deployment, at: Timestamp) -> bool {
    deployment.created_at < at
}
