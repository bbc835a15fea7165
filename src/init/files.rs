//! The files of a run, what is done to each, and their writing.
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::InitError;

/// What is done to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// It is new.
    Create,
    /// It existed and differed (`--force`).
    Overwrite,
    /// Text is added at its end (`.gitlab-ci.yml`).
    Append,
    /// It already holds what would be written: left as it is.
    Unchanged,
}

impl Action {
    /// `create`, `overwrite`, `append` or `unchanged`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Overwrite => "overwrite",
            Self::Append => "append",
            Self::Unchanged => "unchanged",
        }
    }
}

/// One file of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// The file, relative to the repository root.
    pub path: PathBuf,
    /// What is done to it.
    pub action: Action,
    /// What is written: the whole file, or the text appended.
    pub text: String,
}

/// Every file of a run, in the order they are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The files.
    pub files: Vec<PlannedFile>,
}

impl Plan {
    /// Write the plan into the work tree at `root`, directories created as needed.
    pub fn write(&self, root: &Path) -> Result<(), InitError> {
        for file in &self.files {
            let path = root.join(&file.path);
            let io = |cause| InitError::Io {
                path: file.path.clone(),
                cause,
            };
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            match file.action {
                Action::Create | Action::Overwrite => std::fs::write(&path, &file.text),
                Action::Append => std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .and_then(|mut f| f.write_all(file.text.as_bytes())),
                Action::Unchanged => Ok(()),
            }
            .map_err(io)?;
        }
        Ok(())
    }
}
