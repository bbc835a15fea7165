//! What `shipgate-image` does with its flags: the `Binary` implementation.
use std::path::Path;

use shipgate::cli::{Binary, Context, Edge, Failure, Report};
use shipgate::image::{self, Connection, ImageError, PromoteRequest, Registry, Want};
use shipgate::retry::RetryPolicy;

use super::{Cli, Command};

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge::with_outputs(&self.common, Path::new("."), &self.output, None)
    }

    async fn run(self, _cx: &Context) -> Result<Report, Failure> {
        match self.command {
            Command::Promote {
                from,
                to,
                expect_digest,
                dry_run,
            } => {
                let from = image::parse_reference("--from", &from, Want::TagOrDigest)?;
                let to = to
                    .iter()
                    .map(|t| image::parse_reference("--to", t, Want::Tag))
                    .collect::<Result<Vec<_>, _>>()?;
                if let Some(digest) = expect_digest.as_ref().filter(|d| !image::is_digest(d)) {
                    return Err(ImageError::BadDigest(digest.clone()).into());
                }
                let registry = connect(from.registry(), self.insecure)?;
                let request = PromoteRequest {
                    from,
                    to,
                    expect_digest,
                    dry_run,
                };
                let promotion = image::promote(&registry, &request).await?;
                let mut report = Report::text(promotion.text());
                report.output("digest", promotion.digest.as_str())?;
                report.output("tags", promotion.tags().join(","))?;
                report.output("written", promotion.written().join(","))?;
                report.summary = Some(promotion.summary());
                report.json = Some(json(&promotion)?);
                Ok(report.denied_if(promotion.refused.is_some()))
            }
            Command::Inspect { reference } => {
                let reference = image::parse_reference("REF", &reference, Want::TagOrDigest)?;
                let registry = connect(reference.registry(), self.insecure)?;
                let inspection = image::inspect(&registry, &reference).await?;
                let mut report = Report::text(inspection.text());
                report.output("digest", inspection.digest.as_str())?;
                report.output("pinned", inspection.pinned.as_str())?;
                report.output("media-type", inspection.media_type.as_str())?;
                report.output("platforms", inspection.platforms.join(","))?;
                report.json = Some(json(&inspection)?);
                Ok(report)
            }
        }
    }
}

/// A client for `registry` with the credentials the environment gives for it.
fn connect(registry: &str, plain_http: bool) -> Result<Registry, Failure> {
    let credentials = image::credentials(registry, &|key| std::env::var(key).ok())?;
    if let Some(c) = &credentials {
        tracing::debug!("registry credentials from {}", c.source);
    }
    Ok(Registry::new(&Connection {
        plain_http: plain_http || image::is_loopback(registry),
        credentials,
        policy: RetryPolicy::default(),
    }))
}

fn json(value: &impl serde::Serialize) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(Failure::external)
}
