//! The files a GitHub Actions step writes to: `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY`.
//! Both are appended to, never truncated: earlier steps' content stays.
use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::Path;

use super::{CiError, Outputs};

/// Appends `outputs` to the `$GITHUB_OUTPUT` file at `path`: `key=value` for single-line
/// values, and for values containing a line break
/// `key<<DELIMITER\nvalue\nDELIMITER\n` with a random delimiter absent from the value.
pub fn write_github_output(path: &Path, outputs: &Outputs) -> Result<(), CiError> {
    let mut text = String::new();
    for (key, value) in outputs.iter() {
        if value.contains(['\n', '\r']) {
            let delimiter = delimiter_for(value, path)?;
            let _ = write!(text, "{key}<<{delimiter}\n{value}\n{delimiter}\n");
        } else {
            let _ = writeln!(text, "{key}={value}");
        }
    }
    append(path, &text)
}

/// Appends Markdown to the `$GITHUB_STEP_SUMMARY` file at `path`, adding a final newline if
/// `markdown` lacks one.
pub fn append_step_summary(path: &Path, markdown: &str) -> Result<(), CiError> {
    let mut text = markdown.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    append(path, &text)
}

fn append(path: &Path, text: &str) -> Result<(), CiError> {
    let write = || -> std::io::Result<()> {
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        file.write_all(text.as_bytes())?;
        file.flush()
    };
    write().map_err(|source| CiError::Write {
        path: path.to_owned(),
        cause: source,
    })
}

/// `ghadelimiter_` and 32 random hex digits, re-drawn in the (astronomically unlikely) case
/// that it occurs in `value`.
fn delimiter_for(value: &str, path: &Path) -> Result<String, CiError> {
    for _ in 0..8 {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|err| CiError::Delimiter {
            path: path.to_owned(),
            reason: err.to_string(),
        })?;
        let mut delimiter = String::from("ghadelimiter_");
        for b in bytes {
            let _ = write!(delimiter, "{b:02x}");
        }
        if !value.contains(&delimiter) {
            return Ok(delimiter);
        }
    }
    Err(CiError::Delimiter {
        path: path.to_owned(),
        reason: "every random delimiter drawn occurs in the value".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a `$GITHUB_OUTPUT` file the way the Actions runner does.
    fn parse_github_output(text: &str) -> Vec<(String, String)> {
        let mut lines = text.split('\n');
        let mut pairs = Vec::new();
        while let Some(line) = lines.next() {
            if line.is_empty() {
                continue;
            }
            let heredoc = line
                .find("<<")
                .filter(|i| line.find('=').is_none_or(|e| *i < e));
            if let Some(i) = heredoc {
                let (key, delimiter) = (&line[..i], &line[i + 2..]);
                let mut value = Vec::new();
                loop {
                    let next = lines.next().expect("unterminated heredoc");
                    if next == delimiter {
                        break;
                    }
                    value.push(next);
                }
                pairs.push((key.to_owned(), value.join("\n")));
            } else {
                let (key, value) = line.split_once('=').expect("key=value");
                pairs.push((key.to_owned(), value.to_owned()));
            }
        }
        pairs
    }

    fn outputs(pairs: &[(&str, &str)]) -> Outputs {
        let mut o = Outputs::new();
        for (k, v) in pairs {
            o.set(k, *v).unwrap();
        }
        o
    }

    #[test]
    fn values_round_trip_through_the_runner_format() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("output");
        let pairs = [
            ("version", "1.2.3"),
            ("notes", "## Features\n- a = b\n\n- c<<EOF\n"),
            ("empty", ""),
            ("crlf", "a\r\nb"),
            ("equals", "x=y<<z"),
        ];
        write_github_output(&path, &outputs(&pairs)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let expected: Vec<_> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(parse_github_output(&text), expected);
        assert!(text.starts_with("version=1.2.3\nnotes<<ghadelimiter_"));
    }

    #[test]
    fn delimiters_are_random_hex_and_absent_from_the_value() {
        let path = Path::new("out");
        let value = "line\nghadelimiter_";
        let a = delimiter_for(value, path).unwrap();
        let b = delimiter_for(value, path).unwrap();
        assert_ne!(a, b);
        for d in [&a, &b] {
            let hex = d.strip_prefix("ghadelimiter_").unwrap();
            assert_eq!(hex.len(), 32);
            assert!(
                hex.bytes()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            );
            assert!(!value.contains(d.as_str()));
        }
    }

    #[test]
    fn appends_without_truncating() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("output");
        std::fs::write(&path, "earlier=step\n").unwrap();
        write_github_output(&path, &outputs(&[("order", "schema-first")])).unwrap();
        write_github_output(&path, &outputs(&[("order", "code-first")])).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "earlier=step\norder=schema-first\norder=code-first\n");
    }

    #[test]
    fn step_summary_is_appended_with_a_final_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        append_step_summary(&path, "# Release\n").unwrap();
        append_step_summary(&path, "| a | b |").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "# Release\n| a | b |\n");
    }

    #[test]
    fn unwritable_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join("output");
        let err = write_github_output(&path, &outputs(&[("a", "b")])).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("cannot write {}: ", path.display()))
        );
    }
}
