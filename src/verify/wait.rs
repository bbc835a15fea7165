//! `wait` gates: a soak period between checks; always passes.
use std::time::Duration;

use super::model::{Measured, Outcome, Verdict};

/// Sleep for `duration`.
pub(crate) async fn evaluate(duration: Duration) -> Outcome {
    tokio::time::sleep(duration).await;
    Outcome::new(
        Verdict::Pass,
        format!("waited {}s", duration.as_secs()),
        vec![Measured::new("seconds", duration.as_secs())],
    )
}
