//! `shipgate-log`: the deployment log — one CSV row per deployment, per project (or customer),
//! committed on its own branch so it can be shared and its history audited.
mod append;
mod cell;
mod deployment;
mod error;
mod file;
mod markdown;
mod row;
mod table;

pub use append::{AppendRequest, Appended, PATIENCE, append, read};
pub use cell::{escape, unescape};
pub use deployment::Deployment;
pub use error::LogError;
pub use file::LogFile;
pub use markdown::markdown_table;
pub use row::{HEADER, LEGACY_HEADER, Row};
pub use table::{Table, parse_csv, to_csv};
