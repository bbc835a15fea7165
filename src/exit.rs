//! The exit codes every binary shares, and the class of each library error.

/// The exit codes every binary shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done, or allowed.
    Done = 0,
    /// The policy said no.
    Denied = 1,
    /// Usage or configuration error: the user's to fix.
    Usage = 2,
    /// An external failure (git remote, forge API) after retries.
    External = 3,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}

/// What an error means for the exit code: implemented by every error a binary can meet, so the
/// edge, not the binary, maps failures to codes.
pub trait ExitClass {
    /// [`Exit::Usage`] when the input or the repository's state is at fault, [`Exit::External`]
    /// when something outside failed.
    fn exit_class(&self) -> Exit;
}

/// [`Exit::External`] when `external`, else [`Exit::Usage`].
pub fn external_if(external: bool) -> Exit {
    if external {
        Exit::External
    } else {
        Exit::Usage
    }
}
