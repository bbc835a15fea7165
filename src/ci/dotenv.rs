//! GitLab's `artifacts:reports:dotenv` file: `SHIPGATE_KEY=value` lines.
//!
//! GitLab's parser is stricter than dotenv: one `KEY=value` per line, keys of ASCII letters,
//! digits and `_`, no empty lines or comments, no multi-line values, and quotes are kept
//! literally. So values are written raw, and multi-line values are skipped.
use std::fmt::Write as _;
use std::path::Path;

use super::{CiError, Outputs};

/// The dotenv variable for an output key: `previous-version` → `SHIPGATE_PREVIOUS_VERSION`.
pub fn dotenv_key(key: &str) -> String {
    format!("SHIPGATE_{}", key.replace('-', "_").to_ascii_uppercase())
}

/// Writes `outputs` to the dotenv report at `path`, replacing the file (one job, one file).
/// Values containing a line break cannot be represented; their keys are skipped and returned
/// so the caller can warn.
pub fn write_dotenv(path: &Path, outputs: &Outputs) -> Result<Vec<String>, CiError> {
    let mut text = String::new();
    let mut skipped = Vec::new();
    for (key, value) in outputs.iter() {
        if value.contains(['\n', '\r']) {
            skipped.push(key.to_owned());
        } else {
            let _ = writeln!(text, "{}={value}", dotenv_key(key));
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
    fn writes_single_line_values_raw_and_skips_multi_line_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shipgate.env");
        std::fs::write(&path, "STALE=1\n").unwrap();
        let mut o = Outputs::new();
        o.set("version", "1.2.3").unwrap();
        o.set("notes", "a\nb").unwrap();
        o.set("previous-version", "\"1.2.2\"").unwrap();
        o.set("crlf", "a\r").unwrap();
        let skipped = write_dotenv(&path, &o).unwrap();
        assert_eq!(skipped, ["notes", "crlf"]);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "SHIPGATE_VERSION=1.2.3\nSHIPGATE_PREVIOUS_VERSION=\"1.2.2\"\n"
        );
    }

    #[test]
    fn unwritable_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_dotenv(dir.path(), &Outputs::new()).unwrap_err();
        assert!(matches!(err, CiError::Write { ref path, .. } if path == dir.path()));
    }
}
