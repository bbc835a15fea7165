//! What `shipgate-init` does with its flags: the `Binary` implementation.
use shipgate::cli::{Binary, Context, Edge, Failure, Report};
use shipgate::init::InitRequest;

use super::Cli;

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge {
            common: &self.common,
            repo: &self.repo,
            format: self.format,
            dotenv: None,
            output: None,
            forge: None,
        }
    }

    /// It writes `shipgate.yml`: one already there, even a broken one, is not read.
    fn reads_config(&self) -> bool {
        false
    }

    async fn run(self, _cx: &Context) -> Result<Report, Failure> {
        if let Some(path) = &self.common.config {
            return Err(Failure::usage(anyhow::anyhow!(
                "--config {}: shipgate-init writes shipgate.yml at the repository root, where \
                 the starter CI reads it",
                path.display()
            )));
        }
        let outcome = shipgate::init::run(&InitRequest {
            repo: self.repo,
            forge: self.forge,
            force: self.force,
            dry_run: self.dry_run,
        })?;
        let mut report = Report::text(outcome.text());
        report.json =
            Some(serde_json::to_string_pretty(&outcome.json()).map_err(Failure::external)?);
        Ok(report)
    }
}
