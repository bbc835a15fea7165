//! The project's GitLab deploy freeze periods, read through the forge and merged into the
//! calendar: the one place `shipgate-window` and the promotion checks get them from.
use super::{Calendar, WindowError};
use crate::forge::{Forge, ForgeKind};

impl Calendar {
    /// Whether the configuration asks for GitLab's deploy freeze periods
    /// (`windows.gitlab_freeze_periods`).
    pub fn wants_gitlab_freeze_periods(&self) -> bool {
        self.config.gitlab_freeze_periods
    }

    /// This calendar with the project's deploy freeze periods read from `forge`, when it is
    /// GitLab and the configuration wants them; else unchanged.
    pub async fn with_forge_freeze_periods(self, forge: &impl Forge) -> Result<Self, WindowError> {
        if forge.kind() != ForgeKind::Gitlab || !self.wants_gitlab_freeze_periods() {
            return Ok(self);
        }
        let periods = forge
            .freeze_periods()
            .await
            .map_err(WindowError::FreezePeriods)?;
        tracing::info!("{} GitLab deploy freeze period(s)", periods.len());
        self.with_freeze_periods(&periods)
    }
}
