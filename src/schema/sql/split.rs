//! Tokenize a migration once and cut the tokens into statements at top-level `;`.
//!
//! Quotes, dollar quotes and comments are the tokenizer's business: a `;` inside them is part
//! of a token, never a [`Token::SemiColon`]. What is left to us is the `BEGIN … END` body of a
//! `CREATE TRIGGER` / `CREATE PROCEDURE` (SQLite, MySQL, PostgreSQL `BEGIN ATOMIC`), whose inner
//! `;` do not end the statement. A lexical error spoils only the statement it is in: the
//! tokenizer restarts on the next line, unless the error runs to the end of the text
//! (unterminated string, dollar quote or comment).
use sqlparser::dialect::Dialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, Tokenizer};

/// One piece of a migration, in text order.
#[derive(Debug)]
pub(super) enum Piece {
    /// The tokens of one statement, without its `;`; never empty, never only whitespace.
    Statement(Vec<TokenWithSpan>),
    /// The tokenizer failed here; the statement around it is lost.
    LexError {
        /// Where, in `text` coordinates.
        at: Location,
        /// The tokenizer's message.
        message: String,
    },
}

/// Cut `text` into statements (and lexical errors), in order.
pub(super) fn split(text: &str, dialect: &dyn Dialect) -> Vec<Piece> {
    let mut cutter = Cutter::default();
    let mut rest = text;
    // Where `rest` starts in `text`.
    let mut base = Base::default();
    loop {
        let mut buf = Vec::with_capacity(token_estimate(rest));
        let result = Tokenizer::new(dialect, rest)
            .with_unescape(false)
            .tokenize_with_location_into_buf_with_mapper(&mut buf, |t| base.token(t));
        for token in buf {
            cutter.push(token);
        }
        let Err(error) = result else {
            cutter.finish();
            break;
        };
        let to_end = runs_to_end(&error.message);
        let mut at = base.location(error.location);
        if to_end && !error.message.contains("string literal") {
            // Reported at the end of the text: the statement's start says more.
            at = cutter.start().unwrap_or(at);
        }
        cutter.fail(at, error.message.clone());
        if to_end {
            break;
        }
        // Restart just after the character the tokenizer stumbled on.
        let Some(offset) = offset_after(rest, error.location) else {
            break;
        };
        base = base.advanced(&rest[..offset]);
        rest = &rest[offset..];
    }
    cutter.pieces
}

/// About how many tokens `text` holds (SQL averages 3-4 bytes a token, whitespace included),
/// so that the token buffer is rarely regrown; at most 64 Ki, as a hint must not reserve much.
fn token_estimate(text: &str) -> usize {
    (text.len() / 3).min(1 << 16)
}

/// Whether a tokenizer error means everything after it belongs to the broken token.
fn runs_to_end(message: &str) -> bool {
    message.starts_with("Unterminated") || message.contains("EOF")
}

/// Byte offset just past the character at 1-based `location` in `text`, if there is one.
fn offset_after(text: &str, location: Location) -> Option<usize> {
    let (mut line, mut column) = (1u64, 1u64);
    for (offset, ch) in text.char_indices() {
        if line == location.line && column == location.column {
            return Some(offset + ch.len_utf8());
        }
        if line > location.line {
            return None;
        }
        if ch == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    None
}

/// Where a restarted tokenizer's text starts in the whole text: tokens it reports at
/// (line, column) are at (lines + line, columns + column on the first line).
#[derive(Debug, Clone, Copy, Default)]
struct Base {
    lines: u64,
    columns: u64,
}

impl Base {
    fn location(self, at: Location) -> Location {
        match at.line {
            0 => at,
            1 => Location::new(self.lines + 1, self.columns + at.column),
            line => Location::new(self.lines + line, at.column),
        }
    }

    fn token(self, token: TokenWithSpan) -> TokenWithSpan {
        if self.lines == 0 && self.columns == 0 {
            return token;
        }
        let span = Span::new(
            self.location(token.span.start),
            self.location(token.span.end),
        );
        TokenWithSpan::new(token.token, span)
    }

    /// The base of the text after `skipped`, which starts at this base.
    fn advanced(self, skipped: &str) -> Self {
        let newlines = skipped.bytes().filter(|&b| b == b'\n').count() as u64;
        match skipped.rfind('\n') {
            Some(at) => Self {
                lines: self.lines + newlines,
                columns: skipped[at + 1..].chars().count() as u64,
            },
            None => Self {
                lines: self.lines,
                columns: self.columns + skipped.chars().count() as u64,
            },
        }
    }
}

/// The state of the cut: the statement being gathered and what is known about it.
#[derive(Default)]
struct Cutter {
    pieces: Vec<Piece>,
    current: Vec<TokenWithSpan>,
    /// The statement began with `CREATE`: `BEGIN` opens a body.
    is_create: bool,
    /// Open `BEGIN` / `CASE` blocks in a body.
    depth: usize,
    /// The last word was an `END` inside a body; the next token decides what it closes.
    pending_end: bool,
    /// After a lexical error, tokens up to the next `;` belong to the broken statement.
    skipping: bool,
}

impl Cutter {
    fn push(&mut self, token: TokenWithSpan) {
        if let Token::Whitespace(_) = token.token {
            if !self.current.is_empty() {
                self.current.push(token);
            }
            return;
        }
        let keyword = match &token.token {
            Token::Word(word) if word.quote_style.is_none() => word.keyword,
            _ => Keyword::NoKeyword,
        };
        let mut opens_case = keyword == Keyword::CASE;
        if self.pending_end {
            self.pending_end = false;
            match keyword {
                // `END IF`, `END WHILE`, `END LOOP`, `END REPEAT` close no block we count.
                Keyword::IF | Keyword::WHILE => {}
                _ if closes_loop(&token.token) => {}
                Keyword::CASE => {
                    // `END CASE` closes the `CASE` counted when it opened.
                    self.depth = self.depth.saturating_sub(1);
                    opens_case = false;
                }
                _ => self.depth = self.depth.saturating_sub(1),
            }
        }
        if token.token == Token::SemiColon && self.depth == 0 {
            self.end_statement();
            return;
        }
        if self.current.is_empty() {
            self.is_create = keyword == Keyword::CREATE;
        } else if (self.is_create && keyword == Keyword::BEGIN) || (self.depth > 0 && opens_case) {
            self.depth += 1;
        } else if self.depth > 0 && keyword == Keyword::END {
            self.pending_end = true;
        }
        self.current.push(token);
    }

    /// Where the statement being gathered starts.
    fn start(&self) -> Option<Location> {
        self.current.first().map(|t| t.span.start)
    }

    fn end_statement(&mut self) {
        let tokens = std::mem::take(&mut self.current);
        self.depth = 0;
        self.pending_end = false;
        if std::mem::take(&mut self.skipping) {
            return;
        }
        if !tokens.is_empty() {
            self.pieces.push(Piece::Statement(tokens));
        }
    }

    fn fail(&mut self, at: Location, message: String) {
        self.current.clear();
        if self.skipping {
            // Another error in a statement already reported broken.
            return;
        }
        self.depth = 0;
        self.pending_end = false;
        self.skipping = true;
        self.pieces.push(Piece::LexError { at, message });
    }

    fn finish(&mut self) {
        if self.pending_end {
            self.depth = self.depth.saturating_sub(1);
        }
        self.depth = 0;
        self.end_statement();
    }
}

/// `LOOP` / `REPEAT`, which sqlparser has no keywords for.
fn closes_loop(token: &Token) -> bool {
    matches!(token, Token::Word(word)
        if word.value.eq_ignore_ascii_case("LOOP") || word.value.eq_ignore_ascii_case("REPEAT"))
}
