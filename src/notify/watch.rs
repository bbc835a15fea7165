//! The `watch` lifecycle: `start`, the deploy command (with `delay` once past the estimate),
//! then `end` or `failure` with the duration and exit code.
use super::command::run_watched;
use super::error::NotifyError;
use super::prepare::Prepared;
use super::sent::{Sent, Watched};
use crate::config::Span;
use crate::config::notify::Event;
use crate::forge::Forge;

/// Announce `prepared` (its `start`), run `command` with this process's stdin and stderr (its
/// stdout too, unless `stdout_to_stderr`), send `delay` if it runs past the estimate, then `end`
/// or `failure`.
pub async fn watch<F: Forge>(
    prepared: &Prepared<'_, F>,
    command: &[String],
    stdout_to_stderr: bool,
) -> Result<Sent, NotifyError> {
    let mut sent = prepared.announce().await?;
    let delay = prepared.facts.for_event(Event::Delay);
    let mut late = None;
    let finished = run_watched(command, stdout_to_stderr, prepared.estimate, || async {
        late = Some(prepared.send(&delay).await?);
        Ok::<(), NotifyError>(())
    })
    .await?;
    sent.events
        .extend(late.map(|outcome| (Event::Delay, outcome)));
    let code = finished.exit_code;
    // Whole seconds: people read "12m30s", not milliseconds.
    let duration = Span::seconds(finished.elapsed.as_secs()).to_string();
    let mut facts = prepared.facts.for_event(match code {
        0 => Event::End,
        _ => Event::Failure,
    });
    facts.duration = Some(duration.clone());
    facts.exit_code = (code != 0).then_some(code);
    sent.events
        .push((facts.event, prepared.send(&facts).await?));
    sent.watched = Some(Watched {
        command: command.join(" "),
        exit_code: code,
        duration,
        delayed: finished.delayed,
    });
    Ok(sent)
}
