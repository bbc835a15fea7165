//! Evaluating gates in order.
use std::time::Instant;

use super::model::{Check, Gate, GateResult, Measured, Outcome, Verdict};
use super::report::Report;
use super::scrub::Scrubber;
use super::{VerifyError, command, file, http, maintenance, prometheus, wait};

/// How gates are run and judged.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Inconclusive gates count as failed.
    pub strict: bool,
    /// Run every gate even after one failed (otherwise the rest are skipped).
    pub keep_going: bool,
    /// The environment, for the report.
    pub environment: Option<String>,
    /// The step, for the report.
    pub step: Option<String>,
    /// Variables `command` gates get besides the job's own (the rollout step, the colour).
    pub env: Vec<(String, String)>,
}

/// Evaluate `gates` in order. After a failure the remaining gates are skipped unless
/// `keep_going`; the report says whether everything passed. The header values of the gates
/// are secrets: wherever a server or a command repeats one, the report shows
/// [`PLACEHOLDER`](super::PLACEHOLDER) instead.
pub async fn run(gates: &[Gate], options: &RunOptions) -> Result<Report, VerifyError> {
    let client = reqwest::Client::builder()
        .user_agent(concat!("shipgate-verify/", env!("CARGO_PKG_VERSION")))
        .redirect(http::redirect_policy())
        .build()
        .map_err(VerifyError::Client)?;
    let scrub = Scrubber::from_gates(gates);
    let mut results = Vec::with_capacity(gates.len());
    let mut failed = false;
    for gate in gates {
        let started = Instant::now();
        let outcome = if failed && !options.keep_going {
            Outcome::new(Verdict::Skipped, "not run: an earlier gate failed", vec![])
        } else {
            tracing::info!("gate {} ({}) …", gate.name, gate.check.kind());
            evaluate(&client, &gate.check, &scrub, &options.env).await
        };
        let counts_as_failed = outcome.verdict == Verdict::Fail
            || (options.strict && outcome.verdict == Verdict::Inconclusive);
        failed |= counts_as_failed;
        results.push(GateResult {
            name: gate.name.clone(),
            kind: gate.check.kind().to_owned(),
            verdict: outcome.verdict,
            summary: scrub.scrub(&outcome.summary),
            measured: outcome
                .measured
                .iter()
                .map(|m| Measured::new(&m.name, scrub.scrub(&m.value)))
                .collect(),
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            checklist: gate.checklist.clone(),
        });
    }
    Ok(Report::new(results, options))
}

async fn evaluate(
    client: &reqwest::Client,
    check: &Check,
    scrub: &Scrubber,
    env: &[(String, String)],
) -> Outcome {
    match check {
        Check::Http(c) => http::evaluate(client, c, scrub).await,
        Check::Command(c) => command::evaluate(c, scrub, env).await,
        Check::File(c) => file::evaluate(c).await,
        Check::Prometheus(c) => prometheus::evaluate(client, c, scrub).await,
        Check::Wait(d) => wait::evaluate(*d).await,
        Check::Maintenance(c) => maintenance::evaluate(c, scrub, env).await,
    }
}
