//! `shipgate-init`: adopt shipgate in one command. Detects the forge (from remote `origin`),
//! the manifests `shipgate-version` bumps and the migration folders `shipgate-schema` reads,
//! then writes a commented `shipgate.yml` and the starter CI — GitHub's workflows, or the
//! include of the GitLab template — never overwriting a file unless told to.
use std::path::PathBuf;

mod ci;
mod detect;
mod files;
mod plan;
mod render;
mod report;
mod sections;

pub use detect::{Detected, Forge, ForgeSource, FoundManifest, detect};
pub use files::{Action, Plan, PlannedFile};
pub use plan::plan;
pub use render::shipgate_yml;

use crate::git::{GitError, Repo};

/// What one run is asked to do, gathered at the binary's edge.
#[derive(Debug, Clone)]
pub struct InitRequest {
    /// A path inside the repository.
    pub repo: PathBuf,
    /// `--forge`: the forge, instead of the one remote `origin` names.
    pub forge: Option<Forge>,
    /// `--force`: overwrite files that exist and differ.
    pub force: bool,
    /// `--dry-run`: plan, write nothing.
    pub dry_run: bool,
}

/// What a run found and wrote (or, in a dry run, would write).
#[derive(Debug, Clone)]
pub struct InitOutcome {
    /// What was detected.
    pub detected: Detected,
    /// Every file, with what is (or would be) done to it.
    pub plan: Plan,
    /// Nothing was written.
    pub dry_run: bool,
}

/// Why `shipgate-init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The repository could not be opened or read.
    #[error(transparent)]
    Git(#[from] GitError),
    /// The forge cannot be told from remote `origin`.
    #[error("{}: pass --forge github or --forge gitlab", match .remote {
        Some(url) => format!("cannot tell the forge from remote origin ({url})"),
        None => "there is no remote origin to tell the forge from".to_owned(),
    })]
    UnknownForge {
        /// The URL of `origin` (credentials removed), when there is one.
        remote: Option<String>,
    },
    /// Files exist that this run would change; nothing was written.
    #[error("{}; nothing was written", .reasons.join("; "))]
    Exists {
        /// One sentence per file, naming it and how to go on.
        reasons: Vec<String>,
    },
    /// A file could not be read or written.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        cause: std::io::Error,
    },
}

impl crate::exit::ExitClass for InitError {
    /// A file that could not be written is external; everything else is the user's to fix.
    fn exit_class(&self) -> crate::exit::Exit {
        match self {
            Self::Git(e) => e.exit_class(),
            Self::Io { .. } => crate::exit::Exit::External,
            Self::UnknownForge { .. } | Self::Exists { .. } => crate::exit::Exit::Usage,
        }
    }
}

/// Run `shipgate-init`: detect, plan every file, and unless a dry run, write them. When a file
/// exists and `--force` is not given, nothing at all is written.
pub fn run(request: &InitRequest) -> Result<InitOutcome, InitError> {
    let repo = Repo::discover(&request.repo)?;
    let detected = detect(&repo, request.forge)?;
    let plan = plan(repo.root(), &detected, request.force)?;
    if !request.dry_run {
        plan.write(repo.root())?;
    }
    Ok(InitOutcome {
        detected,
        plan,
        dry_run: request.dry_run,
    })
}

#[cfg(test)]
mod tests;
