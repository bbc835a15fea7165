//! Why a preview could not be made or written.
use crate::exit::{Exit, ExitClass};
use crate::forge::ForgeError;
use crate::git::GitError;
use crate::schema::SchemaError;
use crate::version::VersionError;

/// Why `shipgate-version preview` failed.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// A git operation failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// The version could not be decided (e.g. a bad `Release-As:` footer).
    #[error(transparent)]
    Version(#[from] VersionError),
    /// The migrations could not be read.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The forge refused or failed.
    #[error(transparent)]
    Forge(#[from] ForgeError),
}

impl ExitClass for PreviewError {
    fn exit_class(&self) -> Exit {
        match self {
            Self::Git(e) => e.exit_class(),
            Self::Version(e) => e.exit_class(),
            Self::Schema(e) => e.exit_class(),
            Self::Forge(e) => e.exit_class(),
        }
    }
}
