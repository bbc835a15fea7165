//! What `shipgate-issue` does with its flags: the `Binary` implementation.
use shipgate::cli::{
    Binary, Context, Edge, Failure, Report, TokenNeeds, configured_environment, read_flag_file,
    read_schema_report, resolve_version,
};
use shipgate::deploy_issue::{Release, SchemaSummary};
use shipgate::forge::DeploymentState;
use shipgate::issue::{self, CloseReason, CloseRequest, OpenRequest, RecordRequest};
use shipgate::release::release_facts;

use super::{Cli, Command, ReasonArg, StatusArg};

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge::with_outputs(&self.common, &self.repo, &self.output, Some(&self.forge))
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let (config, prefix) = (&cx.config, &cx.config.version.tag_prefix);
        let connected = cx.forge(TokenNeeds {
            github: "issues: write and deployments: write",
            gitlab: "Reporter to open issues, Developer to record deployments",
        })?;
        let forge = &connected.forge;
        let now = shipgate::time::rfc3339(jiff::Timestamp::now());
        let version =
            |given: Option<&str>| resolve_version(given, "--version", &cx.ci, &cx.repo, prefix);
        let mut report = Report::default();
        match self.command {
            Command::Open {
                version: given,
                tag,
                image,
                notes,
                schema_report,
                label,
                assignee,
            } => {
                let version = version(given.as_deref())?;
                let facts = release_facts(&cx.repo, &version, prefix).map_err(Failure::usage)?;
                let tag = tag.unwrap_or(facts.tag);
                let notes = match notes {
                    Some(path) => read_flag_file(&path, "the release notes")?,
                    None => facts.notes.unwrap_or_default(),
                };
                let schema = match schema_report {
                    Some(path) => Some(SchemaSummary::from(&read_schema_report(&path)?)),
                    None => None,
                };
                let request = OpenRequest {
                    release: Release {
                        version: version.clone(),
                        previous: facts.previous,
                        url: connected
                            .tag_base
                            .as_ref()
                            .map(|base| format!("{base}{tag}")),
                        tag,
                        commit: facts.commit,
                        images: image,
                        notes,
                    },
                    schema,
                    checklist: config.issue.checklist.clone(),
                    environments: config.environments.clone(),
                    labels: if label.is_empty() {
                        config.issue.labels.clone()
                    } else {
                        label
                    },
                    assignees: assignee,
                    close_superseded: config.issue.close_superseded,
                    seal: cx.seal(),
                };
                let opened = issue::open(forge, &request).await?;
                report.text = opened.text(&version);
                report.output("issue-number", opened.number.to_string())?;
                report.output("issue-url", opened.url)?;
            }
            Command::Record {
                environment,
                status,
                version: given,
                url,
                detail,
            } => {
                configured_environment(config, &environment)?;
                let version = version(given.as_deref())?;
                let facts = release_facts(&cx.repo, &version, prefix).map_err(Failure::usage)?;
                let request = RecordRequest {
                    version: version.clone(),
                    tag: facts.tag,
                    sha: facts.commit,
                    environment,
                    state: match status {
                        StatusArg::Queued => DeploymentState::Queued,
                        StatusArg::InProgress => DeploymentState::InProgress,
                        StatusArg::Success => DeploymentState::Success,
                        StatusArg::Failure => DeploymentState::Failure,
                    },
                    url: url.or_else(|| cx.ci.run_url.clone()),
                    ci_run: cx.ci.run_id.clone().unwrap_or_else(|| "local".to_owned()),
                    ci_job: cx.ci.job_id.clone(),
                    actor: cx.ci.who(),
                    when: now.to_string(),
                    detail: detail.filter(|d| !d.trim().is_empty()),
                    environments: config.environments.clone(),
                };
                let recorded = issue::record(forge, &request).await?;
                report.text = format!(
                    "recorded {} on {} for v{version} in #{} (deployment {})\n",
                    request.state, request.environment, recorded.number, recorded.deployment
                );
                report.output("issue-number", recorded.number.to_string())?;
                report.output("issue-url", recorded.url)?;
                report.output("deployment-id", recorded.deployment.to_string())?;
            }
            Command::Close {
                version: given,
                reason,
            } => {
                let version = version(given.as_deref())?;
                let request = CloseRequest {
                    version: version.clone(),
                    reason: match reason {
                        ReasonArg::Completed => CloseReason::Completed,
                        ReasonArg::RolledBack => CloseReason::RolledBack,
                        ReasonArg::Abandoned => CloseReason::Abandoned,
                    },
                    actor: cx.ci.who(),
                    when: now.to_string(),
                    environments: config.environments.clone(),
                };
                report.text = match issue::close(forge, &request).await? {
                    Some(number) => {
                        report.output("issue-number", number.to_string())?;
                        format!(
                            "closed deployment issue #{number} for v{version} ({})\n",
                            request.reason
                        )
                    }
                    None => format!("no open deployment issue for v{version}: nothing to close\n"),
                };
            }
        }
        Ok(report)
    }
}
