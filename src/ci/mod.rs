//! CI integration: which platform runs us, and the files it reads our results from
//! (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`, GitLab dotenv reports) and GitHub annotations.
//!
//! This is the only module that reads the process environment, and only in
//! [`CiEnv::from_env`]; everything else takes its inputs as arguments.

mod annotation;
mod change;
mod dotenv;
mod env;
mod error;
mod github_files;
mod outputs;

pub use annotation::{AnnotationLevel, github_annotation};
pub use change::{ChangeEnv, pull_request_number};
pub use dotenv::{dotenv_key, write_dotenv};
pub use env::{CiEnv, Platform};
pub use error::CiError;
pub use github_files::{append_step_summary, write_github_output};
pub use outputs::Outputs;
