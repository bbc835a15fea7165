//! GitHub Actions workflow commands that annotate a file: `::error file=..,line=..,col=..::msg`.
use std::fmt;

/// The severity of an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnnotationLevel {
    /// `::error`.
    Error,
    /// `::warning`.
    Warning,
    /// `::notice`.
    Notice,
}

impl fmt::Display for AnnotationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Notice => "notice",
        })
    }
}

/// The workflow command annotating `file` at 1-based `line` and `col` with `message`, without
/// a trailing newline. Escaped as GitHub's toolkit does: `%`, `\r` and `\n` everywhere, and
/// also `:` and `,` in property values.
pub fn github_annotation(
    level: AnnotationLevel,
    file: &str,
    line: usize,
    col: usize,
    message: &str,
) -> String {
    format!(
        "::{level} file={},line={line},col={col}::{}",
        escape_property(file),
        escape_data(message)
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_annotation() {
        assert_eq!(
            github_annotation(AnnotationLevel::Error, "shipgate.yml", 2, 3, "unknown key"),
            "::error file=shipgate.yml,line=2,col=3::unknown key"
        );
        assert_eq!(
            github_annotation(AnnotationLevel::Warning, "a.sql", 1, 1, "x")
                .split("::")
                .nth(1),
            Some("warning file=a.sql,line=1,col=1")
        );
        assert!(
            github_annotation(AnnotationLevel::Notice, "f", 1, 1, "m").starts_with("::notice ")
        );
    }

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(
            github_annotation(
                AnnotationLevel::Error,
                "db/a,b:c%.sql",
                10,
                5,
                "100% sure:\r\nline two, a::b"
            ),
            "::error file=db/a%2Cb%3Ac%25.sql,line=10,col=5::100%25 sure:%0D%0Aline two, a::b"
        );
    }
}
