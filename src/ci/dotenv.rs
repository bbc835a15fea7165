//! GitLab's `artifacts:reports:dotenv` file: `SHIPGATE_KEY=value` lines.
//!
//! GitLab's parser is stricter than dotenv: one `KEY=value` per line, keys of ASCII letters,
//! digits and `_`, no empty lines or comments, no multi-line values, and quotes are kept
//! literally. So values are written raw; a multi-line value is an error unless its output was
//! declared multi-line ([`Outputs::set_multiline`]), which leaves it out.
use std::fmt::Write as _;
use std::path::Path;

use super::{CiError, Outputs};

/// The dotenv variable for an output key: `previous-version` → `SHIPGATE_PREVIOUS_VERSION`.
pub fn dotenv_key(key: &str) -> String {
    format!("SHIPGATE_{}", key.replace('-', "_").to_ascii_uppercase())
}

/// Writes `outputs` to the dotenv report at `path`, replacing the file (one job, one file).
/// Multi-line values of outputs declared multi-line are left out; their keys are returned so
/// the caller can say so. Any other value with a line break is [`CiError::MultiLine`]: then
/// nothing is written, and a file left at `path` by an earlier run is removed (as far as it
/// can be), so GitLab never reads a partial or stale report.
pub fn write_dotenv(path: &Path, outputs: &Outputs) -> Result<Vec<String>, CiError> {
    let mut text = String::new();
    let mut skipped = Vec::new();
    for (key, value) in outputs.iter() {
        if !value.contains(['\n', '\r']) {
            let _ = writeln!(text, "{}={value}", dotenv_key(key));
        } else if outputs.is_multiline(key) {
            skipped.push(key.to_owned());
        } else {
            // Best effort: the error below is what the user must see either way.
            let _ = std::fs::remove_file(path);
            return Err(CiError::MultiLine {
                path: path.to_owned(),
                key: key.to_owned(),
            });
        }
    }
    std::fs::write(path, text).map_err(|source| CiError::Write {
        path: path.to_owned(),
        cause: source,
    })?;
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_prefixed_upper_snake_case() {
        assert_eq!(dotenv_key("previous-version"), "SHIPGATE_PREVIOUS_VERSION");
        assert_eq!(dotenv_key("order"), "SHIPGATE_ORDER");
        assert_eq!(dotenv_key("v2-tag"), "SHIPGATE_V2_TAG");
    }

    #[test]
    fn writes_single_line_values_raw_and_leaves_out_declared_multi_line_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shipgate.env");
        std::fs::write(&path, "STALE=1\n").unwrap();
        let mut o = Outputs::new();
        o.set("version", "1.2.3").unwrap();
        o.set_multiline("notes", "a\nb").unwrap();
        o.set("previous-version", "\"1.2.2\"").unwrap();
        o.set_multiline("crlf", "a\r").unwrap();
        o.set_multiline("short", "one line").unwrap();
        let skipped = write_dotenv(&path, &o).unwrap();
        assert_eq!(skipped, ["notes", "crlf"]);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "SHIPGATE_VERSION=1.2.3\nSHIPGATE_PREVIOUS_VERSION=\"1.2.2\"\nSHIPGATE_SHORT=one line\n"
        );
    }

    #[test]
    fn any_other_line_break_is_an_error_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shipgate.env");
        for (i, broken) in ["a\nb", "a\r\nb", "a\r"].into_iter().enumerate() {
            std::fs::write(&path, "SHIPGATE_PASSED=true\n").unwrap();
            let mut o = Outputs::new();
            o.set("passed", "false").unwrap();
            o.set("report-issue", broken).unwrap();
            o.set("after", "x").unwrap();
            let err = write_dotenv(&path, &o).unwrap_err();
            assert!(
                matches!(&err, CiError::MultiLine { key, .. } if key == "report-issue"),
                "{i}: {err}"
            );
            assert!(!path.exists(), "{i}: no partial or stale report is left");
        }
        let mut o = Outputs::new();
        o.set_multiline("notes", "a").unwrap();
        o.set("notes", "a\nb").unwrap();
        let err = write_dotenv(&path, &o).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "cannot write {}: output `notes` spans several lines, which GitLab's dotenv \
                 report cannot carry (one KEY=value a line), so no dotenv file was written; \
                 read `notes` from `--format json` instead, or run without --dotenv",
                path.display()
            ),
            "set again with set: no longer multi-line"
        );
        assert!(!path.exists(), "nothing was written");
    }

    #[test]
    fn unwritable_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_dotenv(dir.path(), &Outputs::new()).unwrap_err();
        assert!(matches!(err, CiError::Write { ref path, .. } if path == dir.path()));
    }
}
