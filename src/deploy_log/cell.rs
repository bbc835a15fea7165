//! Keeping spreadsheets from running the log: a cell that starts with `=`, `+`, `-` or `@` (or a
//! tab or carriage return) is read as a formula when the CSV is opened in a spreadsheet, so it
//! is written with a leading `'`, the text prefix spreadsheets know. A cell that starts with `'`
//! gets one more, so reading strips exactly one and gives back what was written.
use std::borrow::Cow;

/// What makes a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The text prefix; cells starting with it are prefixed too, so it can always be stripped.
const PREFIX: char = '\'';

/// `value` as it is written in the CSV.
pub fn escape(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) || value.starts_with(PREFIX) {
        Cow::Owned(format!("{PREFIX}{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The value a CSV cell holds.
pub fn unescape(cell: &str) -> &str {
    cell.strip_prefix(PREFIX).unwrap_or(cell)
}

#[cfg(test)]
mod tests {
    use super::{escape, unescape};

    #[test]
    fn formulas_get_the_text_prefix() {
        assert_eq!(
            escape("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(escape("+1"), "'+1");
        assert_eq!(escape("-2+3"), "'-2+3");
        assert_eq!(escape("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape("\t=1"), "'\t=1");
        assert_eq!(escape("1.2.0"), "1.2.0");
        assert_eq!(escape("a=b"), "a=b");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn reading_gives_back_what_was_written() {
        for value in ["=1+2", "'=1+2", "''", "'", "plain", "", "-", "@ada", "it's"] {
            assert_eq!(unescape(&escape(value)), value, "{value}");
        }
    }
}
