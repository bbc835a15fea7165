//! Files a flag names: read whole, a failure being a usage error that names the file.
use std::path::Path;

use anyhow::Context as _;

use crate::schema::report::ReadReport;

use super::Failure;

/// The file at `path`, whole; `what` says what it should hold ("the release notes").
pub fn read_flag_file(path: &Path, what: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read {what}", path.display()))
        .map_err(Failure::usage)
}

/// A `shipgate-schema --format json` report (`--schema-report FILE`).
pub fn read_schema_report(path: &Path) -> Result<ReadReport, Failure> {
    let json = read_flag_file(path, "the schema report")?;
    ReadReport::from_json(&json)
        .with_context(|| {
            format!(
                "{}: not a shipgate-schema --format json report",
                path.display()
            )
        })
        .map_err(Failure::usage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;

    #[test]
    fn a_missing_or_foreign_file_is_a_usage_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.json");
        let failure = read_schema_report(&missing).err().unwrap();
        assert_eq!(failure.exit, Exit::Usage);
        assert!(
            format!("{:#}", failure.error).contains("missing.json: cannot read the schema report")
        );

        let foreign = dir.path().join("foreign.json");
        std::fs::write(&foreign, "[1, 2]").unwrap();
        let failure = read_schema_report(&foreign).err().unwrap();
        assert_eq!(failure.exit, Exit::Usage);
        let text = format!("{:#}", failure.error);
        assert!(
            text.contains("foreign.json: not a shipgate-schema --format json report"),
            "{text}"
        );
    }

    #[test]
    fn a_report_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(
            &path,
            r#"{"order": "code-first", "post_deploy": ["b.sql"]}"#,
        )
        .unwrap();
        let report = read_schema_report(&path).unwrap();
        assert_eq!(report.post_deploy, ["b.sql"]);
    }
}
