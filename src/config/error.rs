//! Errors from loading `shipgate.yml`, each naming the file and, for content errors, the
//! 1-based line and column.
use std::io;
use std::sync::LazyLock;

use regex::Regex;

use super::locate::{Step, display_path, locate};

/// Why `shipgate.yml` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file given with `--config` does not exist.
    #[error(
        "{file}: config file not found; check the path given with --config, \
         or leave --config out to use shipgate.yml (or the defaults if it is absent)"
    )]
    NotFound {
        /// The path as given.
        file: String,
    },
    /// The file exists but could not be read.
    #[error("{file}: cannot read the config file: {cause}")]
    Read {
        /// The path as given.
        file: String,
        /// The underlying error.
        cause: io::Error,
    },
    /// The content is not valid YAML, or a key or value is wrong.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        /// The file label, usually its path.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong and what to do.
        message: String,
    },
}

impl ConfigError {
    /// An [`ConfigError::Invalid`] at the value found at `path` in `text`.
    pub(crate) fn at_path(file: &str, text: &str, path: &[Step], message: String) -> Self {
        let (line, column) = locate(text, path).unwrap_or((1, 1));
        Self::Invalid {
            file: file.to_owned(),
            line,
            column,
            message: format!("`{}`: {message}", display_path(path)),
        }
    }

    /// Converts a serde_yaml error; `syntax` tells that the text is not well-formed YAML.
    pub(crate) fn from_yaml(file: &str, err: &serde_yaml::Error, syntax: bool) -> Self {
        let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
        let raw = strip_position(&err.to_string(), line, column);
        let message = if syntax {
            format!("invalid YAML: {raw}")
        } else {
            rewrite(&raw)
        };
        Self::Invalid {
            file: file.to_owned(),
            line,
            column,
            message,
        }
    }
}

/// Removes serde_yaml's own " at line L column C" for the reported position (and the
/// " at position N" it prints for the very first character).
fn strip_position(message: &str, line: usize, column: usize) -> String {
    let own = format!(" at line {line} column {column}");
    let message = message.replacen(&own, "", 1);
    static POSITION: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r" at position \d+").ok());
    match POSITION.as_ref() {
        Some(re) => re.replace(&message, "").into_owned(),
        None => message,
    }
}

/// Rewrites serde's wording into messages that say what to write instead.
fn rewrite(message: &str) -> String {
    static PATH: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"(?s)^([A-Za-z0-9_.\[\]-]+): (.*)$").ok());
    let (path, body) = PATH
        .as_ref()
        .and_then(|re| re.captures(message))
        .and_then(|c| Some((c.get(1)?.as_str(), c.get(2)?.as_str())))
        .unwrap_or(("", message));

    if let Some(rest) = body.strip_prefix("unknown field `") {
        if let Some((key, expected)) = rest.split_once("`, ") {
            let section = if path.is_empty() {
                "at the top level".to_owned()
            } else {
                format!("in `{path}`")
            };
            return match names(expected) {
                Some(valid) => format!("unknown key `{key}` {section}; valid keys: {valid}"),
                None => format!("unknown key `{key}` {section}; this mapping takes no keys"),
            };
        }
    }
    if let Some(rest) = body.strip_prefix("unknown variant `") {
        if let Some((value, expected)) = rest.split_once("`, ") {
            if let Some(valid) = names(expected) {
                let at = if path.is_empty() {
                    String::new()
                } else {
                    format!(" for `{path}`")
                };
                return format!("invalid value `{value}`{at}; valid values: {valid}");
            }
        }
    }
    static STRUCT: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"expected struct \w+").ok());
    let mut body = match STRUCT.as_ref() {
        Some(re) => re.replace_all(body, "expected a mapping").into_owned(),
        None => body.to_owned(),
    };
    if body.ends_with("expected a boolean") {
        body.push_str(" (true or false)");
    } else if body.starts_with("data did not match any variant of untagged enum ManifestEntry") {
        body = "each manifest is a path such as Cargo.toml, or a mapping with the keys \
                `path` and `pattern`, and optionally `all` (true or false)"
            .to_owned();
    } else if path == "version.initial" {
        body.push_str("; write a full semantic version such as \"0.1.0\"");
    }
    if path.is_empty() {
        body
    } else {
        format!("`{path}`: {body}")
    }
}

/// `expected one of `a`, `b`` or `expected `a`` → `a, b`; `None` for "there are no fields".
fn names(expected: &str) -> Option<String> {
    let list = expected
        .strip_prefix("expected one of ")
        .or_else(|| expected.strip_prefix("expected "))?;
    Some(list.replace('`', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_list_the_valid_keys() {
        assert_eq!(
            rewrite("version: unknown field `tag_prefx`, expected one of `tag_prefix`, `initial`"),
            "unknown key `tag_prefx` in `version`; valid keys: tag_prefix, initial"
        );
        assert_eq!(
            rewrite("unknown field `x`, expected `only`"),
            "unknown key `x` at the top level; valid keys: only"
        );
        assert_eq!(
            rewrite("a: unknown field `x`, there are no fields"),
            "unknown key `x` in `a`; this mapping takes no keys"
        );
    }

    #[test]
    fn unknown_variants_list_the_valid_values() {
        assert_eq!(
            rewrite("schema.dialect: unknown variant `pg`, expected one of `postgres`, `mysql`"),
            "invalid value `pg` for `schema.dialect`; valid values: postgres, mysql"
        );
    }

    #[test]
    fn other_messages_keep_their_path() {
        assert_eq!(
            rewrite("schema: invalid type: string \"x\", expected struct SchemaConfig"),
            "`schema`: invalid type: string \"x\", expected a mapping"
        );
    }

    #[test]
    fn own_position_is_stripped() {
        assert_eq!(
            strip_position(
                "bad at line 2 column 3, while parsing at line 1 column 1",
                2,
                3
            ),
            "bad, while parsing at line 1 column 1"
        );
    }
}
