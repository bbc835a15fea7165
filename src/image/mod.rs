//! Container images promoted by digest: the manifest a release candidate's tag resolves to is
//! written under the release's tags, so production runs the bytes stage tested.
mod auth;
mod cred_helper;
mod error;
mod inspect;
mod manifest;
mod promote;
mod reference;
mod registry;

pub use auth::{Credentials, lookup as credentials};
pub use error::{ImageError, ImageResult};
pub use inspect::{Entry, Inspection, inspect};
pub use manifest::{ACCEPTED, Child, Manifest};
pub use promote::{Action, PromoteRequest, Promotion, Target, promote};
pub use reference::{Want, by_digest, is_digest, parse as parse_reference};
pub use registry::{Connection, Fetched, Mount, Registry, is_loopback};
