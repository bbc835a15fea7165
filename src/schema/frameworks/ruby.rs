//! Ruby syntax helpers for the Rails reader: calls, their arguments, symbols and strings.
use std::collections::HashMap;

use tree_sitter::Node;

use super::source::{Source, children};

/// A method call as written: `receiver.method(positional, key: value) { block }`.
pub(crate) struct Call<'t> {
    /// The whole call.
    pub node: Node<'t>,
    /// The receiver, if any (`t` in `t.string`).
    pub receiver: Option<Node<'t>>,
    /// The method name.
    pub method: String,
    /// Positional arguments.
    pub args: Vec<Node<'t>>,
    /// Keyword arguments (`key: value` and `:key => value`), in order.
    pub kwargs: Vec<(String, Node<'t>)>,
    /// The `{ }` or `do end` block.
    pub block: Option<Node<'t>>,
}

impl<'t> Call<'t> {
    /// Read a `call` node, or an `identifier` standing for a call without arguments.
    pub fn of(src: &Source<'_>, node: Node<'t>) -> Option<Self> {
        match node.kind() {
            "identifier" => Some(Self {
                node,
                receiver: None,
                method: src.text_of(node).to_owned(),
                args: Vec::new(),
                kwargs: Vec::new(),
                block: None,
            }),
            "call" => {
                let method = node.child_by_field_name("method")?;
                let mut call = Self {
                    node,
                    receiver: node.child_by_field_name("receiver"),
                    method: src.text_of(method).to_owned(),
                    args: Vec::new(),
                    kwargs: Vec::new(),
                    block: node.child_by_field_name("block"),
                };
                if let Some(list) = node.child_by_field_name("arguments") {
                    for arg in children(list) {
                        match arg.kind() {
                            "pair" => call.push_pair(src, arg),
                            "hash" => children(arg)
                                .into_iter()
                                .for_each(|p| call.push_pair(src, p)),
                            "block_argument" => {}
                            _ => call.args.push(arg),
                        }
                    }
                }
                Some(call)
            }
            _ => None,
        }
    }

    fn push_pair(&mut self, src: &Source<'_>, pair: Node<'t>) {
        let (Some(key), Some(value)) = (
            pair.child_by_field_name("key"),
            pair.child_by_field_name("value"),
        ) else {
            return;
        };
        if let Some(key) = symbol_or_key(src, key) {
            self.kwargs.push((key, value));
        }
    }

    /// The keyword argument `key`.
    pub fn kw(&self, key: &str) -> Option<Node<'t>> {
        self.kwargs.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// Whether keyword argument `key` is given as `true`.
    pub fn kw_true(&self, key: &str) -> bool {
        self.kw(key).is_some_and(|v| v.kind() == "true")
    }

    /// Whether keyword argument `key` is given as `false`.
    pub fn kw_false(&self, key: &str) -> bool {
        self.kw(key).is_some_and(|v| v.kind() == "false")
    }

    /// The statements of the call's block and the name of its first block parameter.
    pub fn block_statements(&self) -> (Vec<Node<'t>>, Option<Node<'t>>) {
        let Some(block) = self.block else {
            return (Vec::new(), None);
        };
        let param = block
            .child_by_field_name("parameters")
            .and_then(|p| children(p).into_iter().next());
        let body = block
            .child_by_field_name("body")
            .map(children)
            .unwrap_or_default();
        (body, param)
    }
}

/// The name a symbol, string or hash key stands for: `:users`, `"users"`, `users:` → `users`.
pub(crate) fn name(src: &Source<'_>, node: Node<'_>) -> Option<String> {
    match node.kind() {
        "string" => match string(src, node) {
            RubyString::Plain { text, .. } => Some(text),
            RubyString::Interpolated => None,
        },
        _ => symbol_or_key(src, node),
    }
}

fn symbol_or_key(src: &Source<'_>, node: Node<'_>) -> Option<String> {
    let text = src.text_of(node);
    match node.kind() {
        "simple_symbol" => Some(text.trim_start_matches(':').to_owned()),
        "hash_key_symbol" | "identifier" | "constant" => Some(text.to_owned()),
        "delimited_symbol" => Some(
            text.trim_start_matches(':')
                .trim_matches(|c| c == '"' || c == '\'')
                .to_owned(),
        ),
        "string" => name(src, node),
        _ => None,
    }
}

/// A Ruby string literal's value.
pub(crate) enum RubyString {
    /// No interpolation: the value and the byte offset where its content starts in the file.
    Plain {
        /// The value, escapes decoded.
        text: String,
        /// Byte offset of the content's first character.
        start: usize,
    },
    /// `"#{...}"`: the value is only known at run time.
    Interpolated,
}

/// The value of a `string` node (`'..'`, `".."`, `%q(..)`, `%Q(..)`, `%(..)`).
pub(crate) fn string(src: &Source<'_>, node: Node<'_>) -> RubyString {
    let raw = src.text_of(node);
    let single = raw.starts_with('\'') || raw.starts_with("%q");
    let mut text = String::new();
    let mut start = None;
    let mut cursor = node.walk();
    for part in node.children(&mut cursor) {
        match part.kind() {
            "interpolation" => return RubyString::Interpolated,
            "string_content" if single => {
                text.push_str(&src.text_of(part).replace("\\\\", "\\").replace("\\'", "'"));
            }
            "string_content" => text.push_str(src.text_of(part)),
            "escape_sequence" => text.push_str(&unescape(src.text_of(part))),
            _ => continue,
        }
        start.get_or_insert(part.start_byte());
    }
    let start = start.unwrap_or_else(|| node.end_byte().saturating_sub(1));
    RubyString::Plain { text, start }
}

/// Decode one escape sequence (`\n`, `\t`, `\"`, …); unknown ones stand for the escaped character.
pub(crate) fn unescape(seq: &str) -> String {
    match seq {
        "\\n" => "\n".to_owned(),
        "\\t" => "\t".to_owned(),
        "\\r" => "\r".to_owned(),
        "\\0" => "\0".to_owned(),
        _ => seq.strip_prefix('\\').unwrap_or(seq).to_owned(),
    }
}

/// Each `heredoc_beginning`'s start byte paired with its `heredoc_body` (they come in the same order).
pub(crate) fn heredocs<'t>(root: Node<'t>) -> HashMap<usize, Node<'t>> {
    let mut beginnings = Vec::new();
    let mut bodies = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "heredoc_beginning" => beginnings.push(node),
            "heredoc_body" => bodies.push(node),
            _ => {
                let mut cursor = node.walk();
                let kids: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                stack.extend(kids.into_iter().rev());
            }
        }
    }
    beginnings.sort_by_key(Node::start_byte);
    bodies.sort_by_key(Node::start_byte);
    beginnings
        .into_iter()
        .map(|b| b.start_byte())
        .zip(bodies)
        .collect()
}

/// A heredoc's body: its text as written (indentation kept, so positions stay exact; SQL does
/// not care) from the first line after the opener, or [`RubyString::Interpolated`].
pub(crate) fn heredoc(src: &Source<'_>, body: Node<'_>) -> RubyString {
    let mut end = body.end_byte();
    let mut cursor = body.walk();
    for part in body.children(&mut cursor) {
        match part.kind() {
            "interpolation" => return RubyString::Interpolated,
            "heredoc_end" => end = part.start_byte(),
            _ => {}
        }
    }
    let mut start = body.start_byte();
    let raw = src.text.get(start..end).unwrap_or_default();
    // The body node starts at the end of the opener's line.
    let skip = raw.find('\n').map_or(0, |i| i + 1);
    if raw.get(..skip).is_some_and(|s| s.trim().is_empty()) {
        start += skip;
    }
    RubyString::Plain {
        text: src.text.get(start..end).unwrap_or_default().to_owned(),
        start,
    }
}
