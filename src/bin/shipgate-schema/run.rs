//! What `shipgate-schema` does with its flags: the `Binary` implementation.
use std::io::IsTerminal as _;

use shipgate::cli::{Binary, Context, Edge, Failure, Format, Report};
use shipgate::config::schema::Dialect;
use shipgate::schema::model::{Order, Severity};
use shipgate::schema::{SchemaRequest, report};

use super::{Cli, DialectArg, SchemaFormat};

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge {
            common: &self.common,
            repo: &self.repo,
            // The JSON report is richer than the outputs; every other format is text.
            format: match self.format {
                SchemaFormat::Json => Format::Json,
                _ => Format::Text,
            },
            dotenv: self.dotenv.as_deref(),
            output: self.output.as_deref(),
            forge: None,
        }
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let mut schema = cx.config.schema.clone();
        if let Some(dialect) = self.dialect {
            schema.dialect = match dialect {
                DialectArg::Postgres => Dialect::Postgres,
                DialectArg::Mysql => Dialect::Mysql,
                DialectArg::Sqlite => Dialect::Sqlite,
            };
        }
        let request = SchemaRequest {
            repo: self.repo,
            paths: self.paths,
            base: self.base,
            head: Some(self.head),
            config: schema,
            tag_prefix: cx.config.version.tag_prefix.clone(),
        };
        let found = shipgate::schema::run(&request)?;
        let color = self.output.is_none()
            && std::env::var_os("NO_COLOR").is_none()
            && std::io::stdout().is_terminal();
        let mut out = Report::text(match self.format {
            SchemaFormat::Text => report::text::render(&found, color),
            SchemaFormat::Json => String::new(),
            SchemaFormat::Github => report::github::annotations(&found),
            SchemaFormat::Gitlab => report::gitlab::render(&found),
            SchemaFormat::Sarif => report::sarif::render(&found, env!("CARGO_PKG_VERSION")),
        });
        out.json = Some(report::json::render(&found));
        out.outputs_from(report::outputs(&found))?;
        // Only GitHub reads a job summary; building it is a measurable share of a large run.
        out.summary = cx
            .ci
            .github_step_summary
            .is_some()
            .then(|| report::github::step_summary(&found));
        let error_found = found
            .migrations
            .iter()
            .flat_map(|m| &m.findings)
            .any(|f| f.severity == Severity::Error);
        Ok(out.denied_if(found.order == Order::Blocked || error_found))
    }
}
