//! A parsed migration file: the tree-sitter tree, 1-based positions, syntax errors.
use tree_sitter::{Language, Node, Parser, Tree};

use crate::schema::model::{Change, Located, Position};

/// A migration file and its syntax tree.
pub(crate) struct Source<'a> {
    /// The file's text.
    pub text: &'a str,
    /// Its tree; `None` when tree-sitter gave up (cancelled, or the grammar failed to load).
    pub tree: Option<Tree>,
}

impl<'a> Source<'a> {
    /// Parse `text` with `language`.
    pub fn parse(text: &'a str, language: Language) -> Self {
        let mut parser = Parser::new();
        let tree = match parser.set_language(&language) {
            Ok(()) => parser.parse(text, None),
            Err(_) => None,
        };
        Self { text, tree }
    }

    /// The source text of `node` (empty if it does not fall on character boundaries).
    pub fn text_of(&self, node: Node<'_>) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or_default()
    }

    /// The 1-based position (column in characters) of byte offset `byte`.
    pub fn position_of_byte(&self, byte: usize) -> Position {
        let byte = byte.min(self.text.len());
        let before = self.text.get(..byte).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
        Position::new(line, column)
    }

    /// Where `node` starts.
    pub fn position(&self, node: Node<'_>) -> Position {
        self.position_of_byte(node.start_byte())
    }

    /// `item` located at `node`.
    pub fn at(&self, node: Node<'_>, item: Change) -> Located<Change> {
        Located {
            at: self.position(node),
            item,
        }
    }

    /// A [`Change::Unparsed`] for each syntax error of the tree (outermost error nodes only), or
    /// one at (1, 1) when there is no tree.
    pub fn syntax_errors(&self) -> Vec<Located<Change>> {
        let Some(tree) = &self.tree else {
            return vec![Located {
                at: Position::new(1, 1),
                item: Change::Unparsed {
                    reason: "the file could not be parsed".to_owned(),
                },
            }];
        };
        let mut out = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            if node.is_error() {
                out.push(self.at(
                    node,
                    Change::Unparsed {
                        reason: "syntax error".to_owned(),
                    },
                ));
            } else if node.is_missing() {
                out.push(self.at(
                    node,
                    Change::Unparsed {
                        reason: format!("syntax error: missing `{}`", node.kind()),
                    },
                ));
            } else if node.has_error() {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
                stack.extend(children.into_iter().rev());
            }
        }
        out
    }
}

/// Sort changes into file order (stable: changes at one place keep the order they were found in).
pub(crate) fn in_file_order(mut changes: Vec<Located<Change>>) -> Vec<Located<Change>> {
    changes.sort_by_key(|c| c.at);
    changes
}

/// The named children of `node`, comments left out.
pub(crate) fn children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let s = Source::parse("a\n  é x", tree_sitter_ruby::LANGUAGE.into());
        assert_eq!(s.position_of_byte(0), Position::new(1, 1));
        assert_eq!(s.position_of_byte(2), Position::new(2, 1));
        // `x` comes after two spaces, a two-byte `é` and a space.
        assert_eq!(s.position_of_byte(7), Position::new(2, 5));
    }
}
