//! What can go wrong while resolving or promoting an image, and the exit class of each.
use std::path::PathBuf;

use crate::exit::{Exit, ExitClass};

/// An error of `shipgate-image`.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// A reference given on the command line cannot be read.
    #[error(
        "{flag} {value}: {reason}; expected REGISTRY/REPOSITORY:TAG (e.g. registry.example.com/team/app:1.4.0)"
    )]
    BadReference {
        /// The flag or argument that carried it.
        flag: String,
        /// What was given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `--expect-digest` is not a digest.
    #[error("--expect-digest {0}: not a digest; expected sha256: followed by 64 hex digits")]
    BadDigest(String),
    /// A target is on another registry than the source.
    #[error(
        "--to {to} is on another registry than --from {from}: images are promoted within one registry"
    )]
    OtherRegistry {
        /// The source reference.
        from: String,
        /// The target reference.
        to: String,
    },
    /// The reference names no manifest in the registry.
    #[error("{reference}: not found in the registry (no such tag, digest or repository)")]
    NotFound {
        /// The reference looked up.
        reference: String,
    },
    /// The registry refused our credentials, or asked for some and we had none.
    #[error(
        "{reference}: the registry refused access ({detail}); set SHIPGATE_REGISTRY_USER and SHIPGATE_REGISTRY_PASSWORD, or log in with docker login"
    )]
    Unauthorized {
        /// The reference being accessed.
        reference: String,
        /// The registry's answer.
        detail: String,
    },
    /// The Docker configuration file holding credentials cannot be read.
    #[error("{path}: cannot read the Docker credentials: {reason}")]
    DockerConfig {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The manifest is of a kind that cannot be promoted as it is.
    #[error("{reference}: {reason}")]
    Unsupported {
        /// The reference it came from.
        reference: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The registry kept failing (5xx, 429, lost connections) until the retry budget ran out.
    #[error("{what}: the registry did not answer successfully after {attempts} attempts: {last}")]
    Unavailable {
        /// What we were doing.
        what: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The registry answered with an error another attempt would not fix.
    #[error("{what}: {source}")]
    Registry {
        /// What we were doing.
        what: String,
        /// The client's error, with the registry's answer.
        #[source]
        source: oci_client::errors::OciDistributionError,
    },
}

impl ExitClass for ImageError {
    fn exit_class(&self) -> Exit {
        match self {
            Self::Unavailable { .. } | Self::Registry { .. } => Exit::External,
            Self::BadReference { .. }
            | Self::BadDigest(_)
            | Self::OtherRegistry { .. }
            | Self::NotFound { .. }
            | Self::Unauthorized { .. }
            | Self::DockerConfig { .. }
            | Self::Unsupported { .. } => Exit::Usage,
        }
    }
}

/// A result with an [`ImageError`].
pub type ImageResult<T> = Result<T, ImageError>;
