//! Reading `shipgate.yml` from disk or from a string.
use std::io;
use std::path::Path;

use super::Config;
use super::error::ConfigError;
use super::validate::validate;

/// Where the config is looked for when `--config` is not given, relative to the repository
/// root.
pub const DEFAULT_PATH: &str = "shipgate.yml";

/// Reads the config at `path`. A missing file means the defaults, unless `explicit` (the user
/// named it with `--config`), in which case it is an error naming the file.
pub fn load(path: &Path, explicit: bool) -> Result<Config, ConfigError> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &file),
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            if explicit {
                Err(ConfigError::NotFound { file })
            } else {
                Ok(Config::default())
            }
        }
        Err(source) => Err(ConfigError::Read {
            file,
            cause: source,
        }),
    }
}

/// Parses and checks config text; `file_label` names it in errors. Empty or comment-only text
/// gives the defaults.
pub fn parse(text: &str, file_label: &str) -> Result<Config, ConfigError> {
    // First as plain YAML, so syntax errors are told apart from wrong keys and values.
    let document: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|err| ConfigError::from_yaml(file_label, &err, true))?;
    if document.is_null() {
        return Ok(Config::default());
    }
    let config: Config = serde_yaml::from_str(text)
        .map_err(|err| ConfigError::from_yaml(file_label, &err, false))?;
    match validate(&config) {
        Some(violation) => Err(ConfigError::at_path(
            file_label,
            text,
            &violation.path,
            violation.message,
        )),
        None => Ok(config),
    }
}
