//! Positions: from `text` coordinates (sqlparser's 1-based [`Location`]) to the host file, and
//! out of the parser's error messages.
use sqlparser::tokenizer::Location;

use crate::schema::model::Position;

/// Where `at` (in `text`) is in the host file, `text` starting at `origin`; `origin` itself
/// when sqlparser has no location (line 0).
pub(super) fn in_host(at: Location, origin: Position) -> Position {
    let (Ok(line), Ok(column)) = (usize::try_from(at.line), usize::try_from(at.column)) else {
        return origin;
    };
    match line {
        0 => origin,
        1 => Position::new(
            origin.line,
            origin.column.saturating_add(column.saturating_sub(1)),
        ),
        _ => Position::new(origin.line.saturating_add(line - 1), column),
    }
}

/// A parser message without its trailing ` at Line: L, Column: C`, and that location.
pub(super) fn split_message(message: &str) -> (&str, Option<Location>) {
    const MARK: &str = " at Line: ";
    let Some(at) = message.rfind(MARK) else {
        return (message, None);
    };
    let tail = &message[at + MARK.len()..];
    let Some((line, column)) = tail.split_once(", Column: ") else {
        return (message, None);
    };
    match (line.parse::<u64>(), column.parse::<u64>()) {
        (Ok(line), Ok(column)) if line > 0 => (&message[..at], Some(Location::new(line, column))),
        _ => (message, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_is_offset_by_the_origin_column_later_lines_are_not() {
        let origin = Position::new(10, 7);
        assert_eq!(in_host(Location::new(1, 1), origin), Position::new(10, 7));
        assert_eq!(in_host(Location::new(1, 5), origin), Position::new(10, 11));
        assert_eq!(in_host(Location::new(3, 2), origin), Position::new(12, 2));
        assert_eq!(in_host(Location::new(0, 0), origin), origin);
    }

    #[test]
    fn parser_messages_lose_their_location_suffix() {
        let (message, at) =
            split_message("Expected: end of statement, found: x at Line: 2, Column: 9");
        assert_eq!(message, "Expected: end of statement, found: x");
        assert_eq!(at, Some(Location::new(2, 9)));
        assert_eq!(
            split_message("recursion limit exceeded"),
            ("recursion limit exceeded", None)
        );
    }
}
