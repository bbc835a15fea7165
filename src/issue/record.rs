//! `shipgate-issue record`: one environment's deployment state, on the forge and in the issue.
use std::time::{Duration, Instant};

use semver::Version;

use crate::contention::backoff;
use crate::deploy_issue::{EnvRecord, EnvRow, parse, record_in_body};
use crate::forge::{
    CiJob, Deployment, DeploymentQuery, DeploymentState, Forge, NewDeployment, create_once, scan,
};

use super::IssueError;
use super::find::own_open_issue;

/// How long a record keeps writing the body again while concurrent writers replace it.
const CONTENTION_BUDGET: Duration = Duration::from_secs(60);

/// What `record` needs.
#[derive(Debug, Clone)]
pub struct RecordRequest {
    /// The release.
    pub version: Version,
    /// The release tag.
    pub tag: String,
    /// The tag's commit.
    pub sha: String,
    /// The environment.
    pub environment: String,
    /// Its new state.
    pub state: DeploymentState,
    /// A link to the logs or the environment.
    pub url: Option<String>,
    /// The CI run: re-running the same job records into the same deployment.
    pub ci_run: String,
    /// The CI job (`CI_JOB_ID`), where the platform names it: the deployment GitLab made for the
    /// job is found by it.
    pub ci_job: Option<String>,
    /// Who did it.
    pub actor: String,
    /// When (RFC 3339).
    pub when: String,
    /// What the deployment left live (`green live`), shown beside the status.
    pub detail: Option<String>,
    /// Environments in promotion order, for the table.
    pub environments: Vec<String>,
}

/// What `record` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The issue.
    pub number: u64,
    /// Its web address.
    pub url: String,
    /// The forge's deployment.
    pub deployment: u64,
    /// The body was written by this run.
    pub updated: bool,
}

/// Record the state on the forge's deployment (found by CI run, else created) and in the issue;
/// a concurrent `record` on the same issue loses nothing (each write is checked and redone).
pub async fn record<F: Forge>(forge: &F, request: &RecordRequest) -> Result<Recorded, IssueError> {
    let login = forge.own_login().await?;
    let issue = own_open_issue(forge, &login, &request.version)
        .await?
        .ok_or_else(|| IssueError::NoIssue {
            version: request.version.to_string(),
            login: login.clone(),
        })?;

    let deployment = deployment_for(forge, request, &login, &issue.body).await?;
    if deployment.state != Some(request.state) {
        forge
            .set_deployment_state(&deployment, request.state, request.url.as_deref())
            .await?;
    }

    let own = EnvRecord {
        environment: request.environment.clone(),
        state: request.state,
        version: format!("v{}", request.version),
        when: request.when.clone(),
        by: request.actor.clone(),
        link: request.url.clone(),
        deployment: Some(deployment.id),
        ci_run: Some(request.ci_run.clone()),
        detail: request.detail.clone(),
    };
    let done = |issue: crate::forge::Issue, updated| Recorded {
        number: issue.number,
        url: issue.url,
        deployment: deployment.id,
        updated,
    };
    // A run that changes nothing writes nothing, so it cannot have overwritten anyone.
    let Some(body) = record_in_body(&issue.body, &request.environments, &own)? else {
        return Ok(done(issue, false));
    };
    forge.update_issue_body(issue.number, &body).await?;
    // Another `record` may have read the body before our write and written after it, dropping
    // our record, or we may have dropped theirs. Read the body back and write again until it
    // holds ours and every deployment the forge keeps for the release: the last writer checks
    // after every write, so no record is lost. A row another job wrote for its own deployment
    // is that job's to keep (the forge's view of it lacks what the job knew: its CI run, its
    // link); the forge fills in only deployments the body has lost altogether.
    let started = Instant::now();
    let mut attempts = 0;
    while started.elapsed() < CONTENTION_BUDGET {
        attempts += 1;
        // Writers that collided wait apart, so that one of them sees every record.
        tokio::time::sleep(backoff(attempts)).await;
        let issue = forge.issue(issue.number).await?;
        let rows = parse(&issue.body).rows;
        let records = forge_records(forge, request).await?;
        let missing: Vec<EnvRecord> = records
            .iter()
            .filter(|r| r.deployment != Some(deployment.id))
            .filter_map(|r| missing_from(&rows, r))
            .collect();
        let mut body = issue.body.clone();
        let mut changed = false;
        for record in std::iter::once(&own).chain(&missing) {
            if let Some(next) = record_in_body(&body, &request.environments, record)? {
                body = next;
                changed = true;
            }
        }
        if !changed {
            return Ok(done(issue, true));
        }
        forge.update_issue_body(issue.number, &body).await?;
    }
    Err(IssueError::Contended {
        number: issue.number,
        attempts,
    })
}

/// What the body lacks of the forge's `record`: all of it when no row holds its deployment;
/// when a row does, only a finished state the row still shows unfinished (a concurrent writer
/// put back an older view), with the row's own CI run, author and link kept.
fn missing_from(rows: &[EnvRow], record: &EnvRecord) -> Option<EnvRecord> {
    let Some(row) = rows.iter().find(|row| row.deployment == record.deployment) else {
        return Some(record.clone());
    };
    let finished = |state: Option<DeploymentState>| {
        matches!(
            state,
            Some(DeploymentState::Success | DeploymentState::Failure)
        )
    };
    (finished(Some(record.state)) && !finished(row.state)).then(|| EnvRecord {
        ci_run: row.ci_run.clone().or_else(|| record.ci_run.clone()),
        by: row.by.clone().unwrap_or_else(|| record.by.clone()),
        link: row.link.clone().or_else(|| record.link.clone()),
        ..record.clone()
    })
}

/// The records the forge keeps for the release: each deployment's latest state, oldest first.
async fn forge_records<F: Forge>(
    forge: &F,
    request: &RecordRequest,
) -> Result<Vec<EnvRecord>, IssueError> {
    let mut records: Vec<EnvRecord> = forge
        .release_deployments(&request.tag)
        .await?
        .into_iter()
        .filter_map(|d| {
            Some(EnvRecord {
                state: d.state?,
                version: format!("v{}", request.version),
                when: crate::time::rfc3339(d.state_at.unwrap_or(d.created_at)),
                by: d.state_by.unwrap_or(d.creator),
                link: d.state_url,
                deployment: Some(d.id),
                ci_run: d.ci_run,
                environment: d.environment,
                detail: None,
            })
        })
        .collect();
    records.sort_by(|a, b| a.when.cmp(&b.when));
    Ok(records)
}

/// This job's deployment of the release to the environment: the one the platform made for the
/// job (a job that names an environment gets one from GitHub Actions and GitLab) or an earlier
/// run of the job recorded, found by CI job and run (on the forge, or in the issue's row for the
/// environment when the forge keeps no CI run, as GitLab for deployments it did not make); else
/// created once (looked up again after a failure the server may have acted on).
async fn deployment_for<F: Forge>(
    forge: &F,
    request: &RecordRequest,
    login: &str,
    body: &str,
) -> Result<Deployment, IssueError> {
    let noted = parse(body)
        .rows
        .into_iter()
        .find(|row| {
            // A row with no CI run was filled in from the forge's view, after a concurrent
            // writer dropped the job's own: it is still that deployment of this environment.
            row.environment == request.environment
                && row
                    .ci_run
                    .as_deref()
                    .is_none_or(|run| run == request.ci_run)
        })
        .and_then(|row| row.deployment);
    let job = CiJob {
        run: Some(request.ci_run.clone()),
        job: request.ci_job.clone(),
    };
    let query = DeploymentQuery {
        sha: Some(request.sha.clone()),
        ..DeploymentQuery::environment(&request.environment)
    };
    let ours = |d: &Deployment| d.belongs_to(&job) || (d.ci_run.is_none() && Some(d.id) == noted);
    let listed = scan(forge, &query, |read: &[Deployment]| {
        read.last().is_some_and(ours)
    })
    .await?;
    if let Some(found) = listed.iter().find(|d| ours(d)) {
        return Ok(found.clone());
    }
    // After a create that may have happened, a deployment the forge keeps no CI run for
    // (GitLab's made through the API) is ours when it is newer than every one of the commit
    // listed above (all of them: none was ours), by us, and no job's.
    let newest = listed.iter().map(|d| d.id).max().unwrap_or(0);
    let made_by_us = |d: &Deployment| {
        d.id > newest
            && d.ci_run.is_none()
            && d.ci_job.is_none()
            && d.creator.eq_ignore_ascii_case(login)
    };
    let found = |d: &Deployment| ours(d) || made_by_us(d);
    let find = || async {
        let read = scan(forge, &query, |read: &[Deployment]| {
            read.last().is_some_and(found)
        })
        .await?;
        Ok::<_, IssueError>(read.into_iter().find(found))
    };
    let new = NewDeployment {
        environment: request.environment.clone(),
        git_ref: request.tag.clone(),
        sha: request.sha.clone(),
        ci_run: request.ci_run.clone(),
        description: format!(
            "v{} to {} by shipgate",
            request.version, request.environment
        ),
    };
    create_once(
        &forge.retry_policy(),
        "recording the deployment",
        || forge.create_deployment(&new),
        find,
    )
    .await
}
