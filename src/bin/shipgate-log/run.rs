//! What `shipgate-log` does with its flags: the `Binary` implementation.

use shipgate::cli::{
    Binary, Context, Edge, Failure, Format, Report, project_name, push_auth, resolve_version,
};
use shipgate::deploy_log::{self, AppendRequest, Deployment, LogFile, Row};
use shipgate::git::{Identity, Repo};

use super::{Cli, Command, LogFormat, ResultArg};

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge {
            common: &self.common,
            repo: &self.repo,
            format: match self.format {
                LogFormat::Json => Format::Json,
                _ => Format::Text,
            },
            dotenv: self.dotenv.as_deref(),
            output: None,
            forge: None,
        }
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let root = Repo::discover(&self.repo).map_err(Failure::usage)?;
        let config = &cx.config;
        let names = [config.log.project.as_str(), &config.notify.project];
        let project = project_name(&names, &cx.ci, root.root());
        let file = LogFile::of(&config.log, &project);
        let auth = push_auth(&cx.ci);
        let args = match self.command {
            Command::Append(args) => args,
            Command::Show => {
                let rows = deploy_log::read(&self.repo, &file, &auth)?;
                let mut report = Report::text(match self.format {
                    LogFormat::Markdown => deploy_log::markdown_table(&rows),
                    _ => String::from_utf8_lossy(&deploy_log::to_csv(&rows)).into_owned(),
                });
                report.json = Some(file.shown_json(&rows));
                return Ok(report);
            }
        };
        let prefix = &config.version.tag_prefix;
        let version = args.version.as_deref();
        let deployment = Deployment {
            at: jiff::Timestamp::now(),
            project,
            environment: args.environment,
            version: resolve_version(version, "--version", &cx.ci, &self.repo, prefix)?,
            images: args.image,
            who: args.who.unwrap_or_else(|| cx.ci.who()),
            duration: args.duration,
            succeeded: args.result == ResultArg::Success,
            rolled_back: args.rolled_back,
            run: args
                .run
                .or_else(|| cx.ci.run_id.clone())
                .unwrap_or_default(),
        };
        let request = AppendRequest {
            repo: &self.repo,
            file: file.clone(),
            row: Row::for_release(deployment, &self.repo, config)?,
            auth,
            identity: Identity::from_git_vars(|k| std::env::var(k).ok()),
            patience: deploy_log::PATIENCE,
        };
        let appended = deploy_log::append(&request)?;
        let mut report = Report::text(match self.format {
            LogFormat::Markdown => deploy_log::markdown_table(&appended.rows),
            _ => file.appended_text(&request.row, &appended),
        });
        report.json = Some(file.appended_json(&request.row, &appended));
        report.output("log-path", file.path.display().to_string())?;
        report.output("log-commit", appended.commit.clone())?;
        Ok(report)
    }
}
