//! Reading TOML with byte spans (toml_edit's `ImDocument`), shared by Cargo and pyproject.
use std::path::Path;

use toml_edit::{ImDocument, Item, TableLike};

use super::error::{Location, ManifestError};
use super::text::{Located, string_content};

/// Parse `text` keeping the byte spans of every value.
pub(super) fn parse<'t>(path: &Path, text: &'t str) -> Result<ImDocument<&'t str>, ManifestError> {
    ImDocument::parse(text).map_err(|e| {
        let at = match e.span() {
            Some(span) => Location::at(path, text, span.start),
            None => Location::file(path),
        };
        ManifestError::Syntax {
            at,
            message: e.message().trim().to_owned(),
        }
    })
}

/// The table at `keys` below `table`, when every step is a table.
pub(super) fn table_at<'d>(table: &'d dyn TableLike, keys: &[&str]) -> Option<&'d dyn TableLike> {
    keys.iter()
        .try_fold(table, |t, key| t.get(key).and_then(Item::as_table_like))
}

/// The version written as the string `item`; `what` names it in errors (e.g. "[package] version").
pub(super) fn version_string(
    path: &Path,
    text: &str,
    item: &Item,
    what: &str,
) -> Result<Located, ManifestError> {
    let span = item.span().unwrap_or_default();
    let Some(value) = item.as_str() else {
        return Err(ManifestError::Unexpected {
            at: Location::at(path, text, span.start),
            problem: format!("expected a string for {what}"),
            fix: "write the version as a TOML string, e.g. version = \"1.2.3\"".to_owned(),
        });
    };
    let content = string_content(path, text, span, value, what)?;
    Located::parse(path, text, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let text = "[package]\r\nname = \"a\"\r\nversion = \"1.0.0\r\n";
        let err = parse(Path::new("Cargo.toml"), text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("Cargo.toml:3:"), "{msg}");
        assert!(
            msg.ends_with("; fix the syntax so the file parses"),
            "{msg}"
        );
    }

    #[test]
    fn dotted_and_nested_tables_are_found() {
        let text = "package.version = \"1.0.0\"\n[tool.poetry]\nversion = \"2.0.0\"\n";
        let doc = parse(Path::new("f.toml"), text).unwrap();
        let item = table_at(doc.as_table(), &["package"])
            .and_then(|t| t.get("version"))
            .unwrap();
        assert_eq!(
            version_string(Path::new("f.toml"), text, item, "v")
                .unwrap()
                .span,
            19..24
        );
        assert!(table_at(doc.as_table(), &["tool", "poetry"]).is_some());
        assert!(table_at(doc.as_table(), &["tool", "missing"]).is_none());
    }
}
