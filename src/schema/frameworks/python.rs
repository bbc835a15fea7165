//! Python syntax helpers for the Django and Alembic readers: calls, arguments, strings.
use tree_sitter::Node;

use super::source::{Source, children};

/// A call as written: `callee(positional, key=value)`.
pub(crate) struct PyCall<'t> {
    /// The whole call.
    pub node: Node<'t>,
    /// The callee as written: `migrations.AddField`, `op.add_column`.
    pub callee: String,
    /// Its last name: `AddField`, `add_column`.
    pub name: String,
    /// What comes before the last name: `migrations`, `op` (empty for a bare name).
    pub receiver: String,
    /// Positional arguments.
    pub args: Vec<Node<'t>>,
    /// Keyword arguments, in order.
    pub kwargs: Vec<(String, Node<'t>)>,
}

impl<'t> PyCall<'t> {
    /// Read a `call` node.
    pub fn of(src: &Source<'_>, node: Node<'t>) -> Option<Self> {
        if node.kind() != "call" {
            return None;
        }
        let callee = src
            .text_of(node.child_by_field_name("function")?)
            .to_owned();
        let (receiver, name) = match callee.rsplit_once('.') {
            Some((r, n)) => (r.to_owned(), n.to_owned()),
            None => (String::new(), callee.clone()),
        };
        let mut call = Self {
            node,
            callee,
            name,
            receiver,
            args: Vec::new(),
            kwargs: Vec::new(),
        };
        if let Some(list) = node.child_by_field_name("arguments") {
            for arg in children(list) {
                if arg.kind() == "keyword_argument" {
                    if let (Some(k), Some(v)) = (
                        arg.child_by_field_name("name"),
                        arg.child_by_field_name("value"),
                    ) {
                        call.kwargs.push((src.text_of(k).to_owned(), v));
                    }
                } else {
                    call.args.push(arg);
                }
            }
        }
        Some(call)
    }

    /// The argument at position `pos` or named `kw`.
    pub fn arg(&self, pos: usize, kw: &str) -> Option<Node<'t>> {
        self.kwargs
            .iter()
            .find(|(k, _)| k == kw)
            .map(|(_, v)| *v)
            .or_else(|| self.args.get(pos).copied())
    }

    /// The keyword argument `kw`.
    pub fn kw(&self, kw: &str) -> Option<Node<'t>> {
        self.kwargs.iter().find(|(k, _)| k == kw).map(|(_, v)| *v)
    }

    /// Whether keyword argument `kw` is `True`.
    pub fn kw_true(&self, kw: &str) -> bool {
        self.kw(kw).is_some_and(|v| v.kind() == "true")
    }
}

/// A Python string literal's value.
pub(crate) enum PyString {
    /// The value and the byte offset of its content's first character.
    Plain {
        /// The value, escapes decoded (raw strings as written).
        text: String,
        /// Byte offset of the content's first character.
        start: usize,
    },
    /// An f-string with `{...}` fields.
    Interpolated,
    /// Not a string literal.
    NotString,
}

/// The value of a string literal (`'..'`, `".."`, `"""..."""`, `r".."`, `"a" "b"`).
pub(crate) fn string(src: &Source<'_>, node: Node<'_>) -> PyString {
    match node.kind() {
        "string" => {}
        "concatenated_string" => {
            let mut text = String::new();
            let mut first = None;
            for part in children(node) {
                match string(src, part) {
                    PyString::Plain { text: t, start } => {
                        text.push_str(&t);
                        first.get_or_insert(start);
                    }
                    other => return other,
                }
            }
            return match first {
                Some(start) => PyString::Plain { text, start },
                None => PyString::NotString,
            };
        }
        _ => return PyString::NotString,
    }
    let mut text = String::new();
    let mut start = None;
    let mut raw = false;
    let mut cursor = node.walk();
    for part in node.children(&mut cursor) {
        match part.kind() {
            "string_start" => {
                raw = src.text_of(part).contains(['r', 'R']);
                start = Some(part.end_byte());
            }
            "interpolation" => return PyString::Interpolated,
            "string_content" if raw => text.push_str(src.text_of(part)),
            "string_content" => text.push_str(&unescape(src.text_of(part))),
            _ => {}
        }
    }
    PyString::Plain {
        text,
        start: start.unwrap_or_else(|| node.start_byte()),
    }
}

/// An f-string's text with each `{...}` field read as the SQL value `NULL`, and the byte offset
/// of its content's first character. A field that stands for a name rather than a value leaves
/// SQL that does not parse (`UPDATE NULL SET …`), which the caller then treats as code.
pub(crate) fn string_with_values(src: &Source<'_>, node: Node<'_>) -> Option<(String, usize)> {
    if node.kind() != "string" {
        return None;
    }
    let mut text = String::new();
    let mut start = None;
    let mut cursor = node.walk();
    for part in node.children(&mut cursor) {
        match part.kind() {
            "string_start" => start = Some(part.end_byte()),
            "interpolation" => text.push_str("NULL"),
            "string_content" => text.push_str(&unescape(src.text_of(part))),
            _ => {}
        }
    }
    Some((text, start?))
}

/// Decode Python escape sequences (the common ones; others are kept as written).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\n') => {}
            Some(c @ ('\\' | '\'' | '"')) => out.push(c),
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A string argument's value, or `None` when it is not a plain string literal.
/// The top-level definitions of `kind` (`function_definition`, `class_definition`) named `wanted`,
/// decorated or not.
pub(crate) fn top_level<'t>(
    src: &Source<'_>,
    root: Node<'t>,
    kind: &str,
    wanted: &str,
) -> Vec<Node<'t>> {
    children(root)
        .into_iter()
        .map(|def| {
            if def.kind() == "decorated_definition" {
                def.child_by_field_name("definition").unwrap_or(def)
            } else {
                def
            }
        })
        .filter(|def| {
            def.kind() == kind
                && def.child_by_field_name("name").map(|n| src.text_of(n)) == Some(wanted)
        })
        .collect()
}

/// A plain string argument's value; a name bound to one in an enclosing function, class or
/// module (`TABLE_NAME = "dag"`) is resolved.
pub(crate) fn name(src: &Source<'_>, node: Option<Node<'_>>) -> Option<String> {
    let node = node?;
    match string(src, node) {
        PyString::Plain { text, .. } => Some(text),
        PyString::NotString if node.kind() == "identifier" => {
            match string(src, bound_value(src, node)?) {
                PyString::Plain { text, .. } => Some(text),
                _ => None,
            }
        }
        _ => None,
    }
}

/// An integer literal's value.
pub(crate) fn int(src: &Source<'_>, node: Option<Node<'_>>) -> Option<u64> {
    node.filter(|n| n.kind() == "integer")
        .and_then(|n| src.text_of(n).replace('_', "").parse().ok())
}

/// The operations a list expression holds: a list or tuple's items; a name bound in the
/// enclosing function, class or module (`database_operations = [...]` beside `operations`)
/// resolved to its value; a module-level function called without arguments, by what it returns;
/// lists joined with `+` concatenated. None when any part is computed otherwise.
pub(crate) fn list_items<'t>(src: &Source<'_>, node: Node<'t>) -> Option<Vec<Node<'t>>> {
    list_items_within(src, node, 0)
}

fn list_items_within<'t>(src: &Source<'_>, node: Node<'t>, depth: usize) -> Option<Vec<Node<'t>>> {
    if depth > 64 {
        return None;
    }
    match node.kind() {
        "list" | "tuple" => Some(children(node)),
        "parenthesized_expression" => {
            list_items_within(src, children(node).into_iter().next()?, depth + 1)
        }
        "binary_operator" => {
            let operator = node.child_by_field_name("operator")?;
            if src.text_of(operator) != "+" {
                return None;
            }
            let mut items = list_items_within(src, node.child_by_field_name("left")?, depth + 1)?;
            items.extend(list_items_within(
                src,
                node.child_by_field_name("right")?,
                depth + 1,
            )?);
            Some(items)
        }
        "identifier" => list_items_within(src, bound_value(src, node)?, depth + 1),
        // `helper()`: a module-level function without arguments whose `return` gives the list.
        "call" => {
            let arguments = node.child_by_field_name("arguments")?;
            if !children(arguments).is_empty() {
                return None;
            }
            let name = src.text_of(node.child_by_field_name("function")?);
            let mut module = node;
            while let Some(parent) = module.parent() {
                module = parent;
            }
            let function = top_level(src, module, "function_definition", name)
                .into_iter()
                .next()?;
            let body = function.child_by_field_name("body")?;
            let returned = children(body)
                .into_iter()
                .rfind(|s| s.kind() == "return_statement")?;
            list_items_within(src, children(returned).into_iter().next()?, depth + 1)
        }
        _ => None,
    }
}

/// The value last assigned to the name `identifier` in the enclosing function, class body or
/// module, before the identifier is used.
fn bound_value<'t>(src: &Source<'_>, identifier: Node<'t>) -> Option<Node<'t>> {
    let name = src.text_of(identifier);
    let mut scope = identifier.parent();
    while let Some(node) = scope {
        let body = match node.kind() {
            "class_definition" | "function_definition" => node.child_by_field_name("body"),
            "module" => Some(node),
            _ => None,
        };
        if let Some(body) = body {
            let value = children(body)
                .into_iter()
                .rev()
                .filter(|s| s.start_byte() < identifier.start_byte())
                .filter_map(|s| {
                    let assignment = if s.kind() == "assignment" {
                        s
                    } else {
                        children(s).into_iter().find(|n| n.kind() == "assignment")?
                    };
                    let left = assignment.child_by_field_name("left")?;
                    (src.text_of(left) == name).then(|| assignment.child_by_field_name("right"))?
                })
                .next();
            if value.is_some() {
                return value;
            }
        }
        scope = node.parent();
    }
    None
}
