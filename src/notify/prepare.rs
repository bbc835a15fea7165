//! Preparing an event: the channels that hear about it, the facts its messages tell (release
//! history, tickets, components), and the deployment issue when an `issue` channel needs it.
use std::path::PathBuf;
use std::time::Duration;

use super::deliver::{Outcome, SendRequest, send};
use super::deployment::Deployment;
use super::error::NotifyError;
use super::facts::{Component, Facts};
use super::issue_comment::find_issue;
use super::secrets::Secrets;
use super::sent::Sent;
use super::templates::Templates;
use super::tickets::collect_tickets;
use crate::config::notify::{Channel, ChannelKind, Event};
use crate::config::{NotifyConfig, Span};
use crate::deploy_issue::Image;
use crate::forge::Forge;

/// One event command, as the edge read it.
#[derive(Debug)]
pub struct EventRequest {
    /// The event (`start` for `watch`, which sends the others as the command runs).
    pub event: Event,
    /// `watch`: the deployment issue is looked up if any event of the run needs it.
    pub watching: bool,
    /// The estimated duration.
    pub estimate: Option<Span>,
    /// How long it took (end, failure, rollback).
    pub duration: Option<Span>,
    /// Only these channels (`--channel`); empty: every channel.
    pub channels: Vec<String>,
    /// Components deployed, added to (or replacing) `notify.components`.
    pub images: Vec<Image>,
    /// What must be restarted; empty: `notify.restarts`.
    pub restarts: Vec<String>,
    /// The deployment issue's address, when given.
    pub issue_url: Option<String>,
    /// Webhook URLs and SMTP passwords.
    pub secrets: Secrets,
}

/// An event ready to send, and what the later events of `watch` reuse.
pub struct Prepared<'a, F> {
    /// What the first event's messages say.
    pub facts: Facts,
    /// The estimated duration.
    pub estimate: Option<Duration>,
    config: &'a NotifyConfig,
    channels: Vec<&'a Channel>,
    templates: Templates,
    secrets: Secrets,
    forge: Option<&'a F>,
    issue: Result<(u64, String), String>,
    run_id: String,
    root: PathBuf,
}

/// Prepare `request` for `deployment`: choose the channels, gather the facts, and find the
/// deployment issue through `connect` when an `issue` channel hears about the event.
pub async fn prepare<'a, F: Forge + 'a>(
    deployment: &Deployment<'a>,
    request: EventRequest,
    connect: impl FnOnce() -> Result<&'a F, String>,
) -> Result<Prepared<'a, F>, NotifyError> {
    let notify = &deployment.config.notify;
    let channels = chosen_channels(notify, &request.channels)?;
    let (previous, messages) = deployment.history();
    let pattern = regex::Regex::new(&notify.ticket_pattern)?;
    let event = request.event;
    let needs_issue = channels.iter().any(|c| {
        c.kind == ChannelKind::Issue
            && (c.wants(event) || (request.watching && Event::ALL.iter().any(|e| c.wants(*e))))
    });
    let found = match needs_issue {
        true => find_issue(connect, &deployment.version).await,
        false => Err("no issue channel".to_owned()),
    };
    let facts = Facts {
        event,
        project: deployment.project.clone(),
        environment: deployment.environment.clone(),
        version: deployment.version.to_string(),
        previous_version: previous.map(|v| v.to_string()),
        tickets: collect_tickets(&messages, &pattern, &notify.ticket_url),
        components: components(notify, &request.images),
        restarts: match request.restarts.is_empty() {
            true => notify.restarts.clone(),
            false => request.restarts,
        },
        estimate: request.estimate.map(|s| s.to_string()),
        duration: request.duration.map(|s| s.to_string()),
        exit_code: None,
        issue_url: request
            .issue_url
            .or_else(|| found.as_ref().ok().map(|f| f.url.clone())),
        pipeline_url: deployment.ci.run_url.clone(),
        actor: deployment.ci.who(),
        support: notify.support.clone(),
    };
    Ok(Prepared {
        facts,
        estimate: request.estimate.map(Span::duration),
        config: notify,
        channels,
        templates: deployment.templates(),
        secrets: request.secrets,
        forge: found.as_ref().ok().map(|f| f.forge),
        issue: found.map(|f| (f.number, f.login)),
        run_id: deployment.run_id(),
        root: deployment.root.clone(),
    })
}

impl<F: Forge> Prepared<'_, F> {
    /// Send `facts.event` to the channels that hear about it.
    pub async fn send(&self, facts: &Facts) -> Result<Outcome, NotifyError> {
        let request = SendRequest {
            config: self.config,
            channels: (self.channels.iter().copied())
                .filter(|c| c.wants(facts.event))
                .collect(),
            facts,
            templates: &self.templates,
            secrets: &self.secrets,
            base_dir: self.root.clone(),
            run_id: self.run_id.clone(),
            issue: self.issue.clone(),
        };
        send(&request, self.forge).await
    }

    /// Send the prepared event, once.
    pub async fn announce(&self) -> Result<Sent, NotifyError> {
        let outcome = self.send(&self.facts).await?;
        Ok(Sent {
            version: self.facts.version.clone(),
            environment: self.facts.environment.clone(),
            events: vec![(self.facts.event, outcome)],
            watched: None,
        })
    }
}

/// The channels of `notify` named in `names`, or every one when `names` is empty.
fn chosen_channels<'a>(
    notify: &'a NotifyConfig,
    names: &[String],
) -> Result<Vec<&'a Channel>, NotifyError> {
    let known = || notify.channels.iter().map(|c| c.name.as_str());
    if let Some(name) = names.iter().find(|n| !known().any(|k| k == *n)) {
        return Err(NotifyError::UnknownChannel {
            name: name.clone(),
            known: known().collect::<Vec<_>>().join(", "),
        });
    }
    Ok(notify
        .channels
        .iter()
        .filter(|c| names.is_empty() || names.contains(&c.name))
        .collect())
}

/// `notify.components`, with each image given replacing the component of its name.
fn components(notify: &NotifyConfig, images: &[Image]) -> Vec<Component> {
    Image::merged(&notify.components, images)
        .into_iter()
        .map(|image| Component {
            name: image.name,
            version: image.reference,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> NotifyConfig {
        let yaml = "notify:\n  components: { api: 1.0.0, web: 1.0.0 }\n  channels:\n    - { name: dev, type: slack, webhook_env: DEV }\n    - { name: ops, type: webhook, webhook_env: OPS }\n";
        crate::config::parse(yaml, "t").unwrap().notify
    }

    #[test]
    fn channels_are_chosen_by_name_and_an_unknown_name_lists_the_known_ones() {
        let config = config();
        let names =
            |chosen: Vec<&Channel>| chosen.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(chosen_channels(&config, &[]).unwrap()),
            ["dev", "ops"]
        );
        assert_eq!(
            names(chosen_channels(&config, &["ops".into()]).unwrap()),
            ["ops"]
        );
        let err = chosen_channels(&config, &["dev".into(), "qa".into()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--channel qa: no such channel in notify.channels (dev, ops)"
        );
    }

    #[test]
    fn an_image_replaces_the_configured_component_of_its_name() {
        let images = ["web=ghcr.io/acme/web:2.0.0".parse().unwrap()];
        let components = components(&config(), &images);
        let pairs: Vec<(&str, &str)> = (components.iter())
            .map(|c| (c.name.as_str(), c.version.as_str()))
            .collect();
        assert_eq!(pairs, [("api", "1.0.0"), ("web", "ghcr.io/acme/web:2.0.0")]);
    }
}
