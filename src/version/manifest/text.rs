//! Byte spans: where a version is written, and replacing exactly those bytes.
use std::ops::Range;
use std::path::Path;

use semver::Version;

use super::error::{Location, ManifestError};

/// Where a version is written in a file's text: the byte span of the version itself
/// (inside any quotes, after any `v`), and the version it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Byte range of the version text.
    pub span: Range<usize>,
    /// The version written there.
    pub version: Version,
}

impl Located {
    /// Find and parse the version written at `span` of `text`.
    pub fn parse(path: &Path, text: &str, span: Range<usize>) -> Result<Self, ManifestError> {
        let raw = text.get(span.clone()).unwrap_or_default();
        let version = Version::parse(raw).map_err(|e| ManifestError::InvalidVersion {
            at: Location::at(path, text, span.start),
            value: raw.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Self { span, version })
    }

    /// `text` with the version replaced by `new`, every other byte unchanged.
    pub fn replace(&self, text: &str, new: &Version) -> String {
        replace_spans(text, vec![(self.span.clone(), new.to_string())])
    }
}

/// `text` with the bytes of each span replaced by its string, every other byte unchanged.
/// Spans must not overlap; their order does not matter.
pub(super) fn replace_spans(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(text.len() + 16 * edits.len());
    let mut done = 0;
    for (span, with) in &edits {
        out.push_str(&text[done..span.start]);
        out.push_str(with);
        done = span.end;
    }
    out.push_str(&text[done..]);
    out
}

/// The span of a quoted string literal's content, given the literal's span (quotes
/// included) and its decoded value. Fails when the literal holds escapes or line
/// continuations, where raw bytes and value differ.
pub(super) fn string_content(
    path: &Path,
    text: &str,
    literal: Range<usize>,
    value: &str,
    what: &str,
) -> Result<Range<usize>, ManifestError> {
    let raw = text.get(literal.clone()).unwrap_or_default();
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        let q = quote.len();
        if raw.len() >= 2 * q
            && raw.starts_with(quote)
            && raw.ends_with(quote)
            && &raw[q..raw.len() - q] == value
        {
            return Ok(literal.start + q..literal.end - q);
        }
    }
    Err(ManifestError::Unexpected {
        at: Location::at(path, text, literal.start),
        problem: format!("{what} is written with escapes or line breaks"),
        fix: "write it as a plain quoted string such as \"1.2.3\"".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_content_strips_any_quote_style() {
        let p = Path::new("f");
        let text = r#"a = "1.2.3" b = '1.2.3' c = """1.2.3""""#;
        assert_eq!(string_content(p, text, 4..11, "1.2.3", "v").unwrap(), 5..10);
        assert_eq!(
            string_content(p, text, 16..23, "1.2.3", "v").unwrap(),
            17..22
        );
        assert_eq!(
            string_content(p, text, 28..39, "1.2.3", "v").unwrap(),
            31..36
        );
    }

    #[test]
    fn replace_spans_keeps_other_bytes() {
        let edits = vec![(6..7, "Z".to_owned()), (0..1, "xy".to_owned())];
        assert_eq!(replace_spans("abc\r\ndef", edits), "xybc\r\ndZf");
    }

    #[test]
    fn string_content_refuses_escapes() {
        let text = r#""1.2\u002e3""#;
        let err = string_content(Path::new("f"), text, 0..text.len(), "1.2.3", "`version`");
        assert!(err.unwrap_err().to_string().contains("escapes"));
    }

    #[test]
    fn invalid_version_names_file_position_and_value() {
        let text = "x\nversion = \"1.2\"";
        let err = Located::parse(Path::new("a/Cargo.toml"), text, 13..16).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("a/Cargo.toml:2:12: `1.2` is not a semantic version"),
            "{msg}"
        );
    }
}
