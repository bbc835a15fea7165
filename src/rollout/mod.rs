//! Deploying an environment by its strategy (`deploy:` in `shipgate.yml`): direct, blue-green,
//! canary or rolling, with the gates between the steps and the way back when one fails; and
//! maintenance mode around a release that needs it.
//!
//! The user's hooks do the work (`deploy_hook`, `switch_hook`, `maintenance.on`/`off`); this
//! module decides which hook runs when, with which arguments, and what a failed gate undoes.
mod error;
mod gates;
pub mod hook;
mod maintenance;
mod outcome;
mod strategy;

pub use error::RolloutError;
pub use gates::{GateRun, GateRunner, GateStep, VerifyGates};
pub use hook::{HookCall, Hooks, ShellHooks};
pub use maintenance::{
    MaintenanceNeed, MaintenanceOutcome, Switch, maintain, maintenance_need, switch_maintenance,
};
pub use outcome::{Color, Outcome, RolloutResult};
pub use strategy::{Rollout, roll_out};
