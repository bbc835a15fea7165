//! What `shipgate-window` does with its flags: the `Binary` implementation.

use anyhow::Context as _;
use shipgate::cli::{
    Binary, Context, Edge, Failure, ForgeArg, Report, TokenNeeds, configured_environment,
    known_version, release_risk,
};
use shipgate::window::Calendar;
use shipgate::window::report::WindowReport;

use super::Cli;

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge {
            common: &self.common,
            repo: &self.repo,
            format: self.format,
            dotenv: self.dotenv.as_deref(),
            output: None,
            forge: Some(&self.forge),
        }
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let environments = &cx.config.environments;
        let environment = match &self.environment {
            Some(name) => configured_environment(&cx.config, name)?.to_owned(),
            None => environments.last().cloned().unwrap_or_default(),
        };
        let at = match &self.at {
            Some(text) => text.parse::<jiff::Timestamp>().with_context(|| {
                format!(
                    "--at {text}: not an RFC 3339 instant; write e.g. 2026-11-27T10:00:00+01:00 \
                     or 2026-11-27T09:00:00Z"
                )
            }),
            None => Ok(jiff::Timestamp::now()),
        }
        .map_err(Failure::usage)?;
        let mut calendar = Calendar::load(&cx.config.windows, &cx.root())?;
        if cx.forge_kind() == ForgeArg::Gitlab && calendar.wants_gitlab_freeze_periods() {
            // Only GitLab is read: Reporter reads the freeze periods.
            let needs = TokenNeeds {
                github: "",
                gitlab: "Reporter",
            };
            match cx.forge_if_token(needs)? {
                Some(gitlab) => {
                    calendar = calendar.with_forge_freeze_periods(&gitlab.forge).await?
                }
                None => tracing::warn!(
                    "GITLAB_TOKEN is not set: the project's deploy freeze periods are not checked"
                ),
            }
        }
        let prefix = &cx.config.version.tag_prefix;
        let version = match self.risk {
            Some(_) => None,
            None => known_version(self.release.as_deref(), &cx.ci, &self.repo, prefix)?,
        };
        let schema = self.schema_report.as_deref();
        let risk = release_risk(self.risk, &self.repo, prefix, version.as_ref(), schema)?;
        let verdict = calendar.check(&environment, risk.risk, at);
        let window = WindowReport::new(&calendar, &environment, at, &risk, &verdict);
        let mut report = Report::text(window.text());
        report.outputs = window.outputs().map_err(Failure::external)?;
        report.json = Some(window.json());
        report.summary = window.step_summary();
        Ok(report.denied_if(!window.allowed))
    }
}
