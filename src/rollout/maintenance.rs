//! Maintenance mode: whether a release needs it (by `maintenance.when` and the schema report),
//! and switching it with the user's hooks.
use crate::config::{Maintenance, MaintenanceWhen};
use crate::schema::model::Order;
use crate::schema::report::ReadReport;

use super::RolloutError;
use super::hook::{HookCall, Hooks};

/// Whether a release goes through maintenance mode, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceNeed {
    /// It does.
    pub needed: bool,
    /// Why, in words for the output.
    pub why: String,
}

/// Whether `maintenance` applies to a release whose schema report is `report`. Without a
/// report, a rule that depends on the schema applies: the safe side.
pub fn maintenance_need(maintenance: &Maintenance, report: Option<&ReadReport>) -> MaintenanceNeed {
    let when = maintenance.when;
    let (needed, why) = match (when, report) {
        (MaintenanceWhen::Always, _) => (true, "maintenance.when is always".to_owned()),
        (_, None) => (
            true,
            format!(
                "maintenance.when is {} and no schema report was given",
                when.as_str()
            ),
        ),
        (MaintenanceWhen::SchemaFirst, Some(r)) => (
            r.order != Order::None,
            format!("the release's schema order is {}", r.order),
        ),
        (MaintenanceWhen::Destructive, Some(r)) => {
            let destructive = r.destructive();
            let risky = matches!(r.order, Order::CodeFirst | Order::Blocked);
            (
                destructive > 0 || risky,
                format!(
                    "the release's schema order is {} with {destructive} destructive change(s)",
                    r.order
                ),
            )
        }
    };
    MaintenanceNeed { needed, why }
}

/// Maintenance mode on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// Into maintenance mode.
    On,
    /// Out of it.
    Off,
}

impl Switch {
    /// `on` or `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::On => "on",
            Self::Off => "off",
        }
    }
}

/// What switching maintenance mode for a release came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceOutcome {
    /// `on` or `off` when the hook ran, `skipped` when the release does not need it or the
    /// environment has no maintenance mode.
    pub state: &'static str,
    /// Why, in words for the output.
    pub why: String,
    /// For people.
    pub text: String,
}

impl MaintenanceOutcome {
    /// The step outputs: `maintenance` and `why`.
    pub fn outputs(&self) -> [(&'static str, &str); 2] {
        [("maintenance", self.state), ("why", &self.why)]
    }
}

/// Switch maintenance mode of `environment` for a release whose schema report is `report`: the
/// hook runs when the environment has a maintenance mode and the release needs it.
pub fn maintain<H: Hooks>(
    hooks: &H,
    maintenance: Option<&Maintenance>,
    environment: &str,
    switch: Switch,
    version: Option<&str>,
    report: Option<&ReadReport>,
) -> Result<MaintenanceOutcome, RolloutError> {
    let Some(maintenance) = maintenance else {
        return Ok(MaintenanceOutcome {
            state: "skipped",
            why: "no maintenance mode configured".to_owned(),
            text: format!(
                "{environment} has no maintenance mode (deploy.{environment}.maintenance): nothing to do\n"
            ),
        });
    };
    let need = maintenance_need(maintenance, report);
    if !need.needed {
        return Ok(MaintenanceOutcome {
            state: "skipped",
            text: format!("maintenance not needed in {environment}: {}\n", need.why),
            why: need.why,
        });
    }
    switch_maintenance(hooks, maintenance, environment, switch, version)?;
    Ok(MaintenanceOutcome {
        state: switch.as_str(),
        text: format!(
            "maintenance {} in {environment}: {}\n",
            switch.as_str(),
            need.why
        ),
        why: need.why,
    })
}

/// Run `maintenance`'s hook for `switch` in `environment`.
pub fn switch_maintenance<H: Hooks>(
    hooks: &H,
    maintenance: &Maintenance,
    environment: &str,
    switch: Switch,
    version: Option<&str>,
) -> Result<(), RolloutError> {
    let purpose = format!("maintenance {}", switch.as_str());
    let mut env = vec![
        ("SHIPGATE_ENVIRONMENT".to_owned(), environment.to_owned()),
        (
            "SHIPGATE_MAINTENANCE".to_owned(),
            switch.as_str().to_owned(),
        ),
    ];
    if let Some(version) = version {
        env.push(("SHIPGATE_VERSION".to_owned(), version.to_owned()));
    }
    let call = HookCall {
        purpose: &purpose,
        command: match switch {
            Switch::On => &maintenance.on,
            Switch::Off => &maintenance.off,
        },
        args: vec![environment.to_owned()],
        env,
    };
    hooks.run(&call)
}
