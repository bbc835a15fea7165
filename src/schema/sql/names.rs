//! Names as the rules see them: unquoted identifiers lower-cased, quoted ones as written,
//! schema-qualified names joined with `.`.
use sqlparser::ast::{Ident, ObjectName, ObjectNamePart, TableFactor, TableWithJoins};

/// One identifier: lower-cased unless it was quoted.
pub(super) fn ident(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

/// A possibly qualified name: `public.users`.
pub(super) fn object(name: &ObjectName) -> String {
    let mut out = String::new();
    for (i, part) in name.0.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        match part {
            ObjectNamePart::Identifier(id) => out.push_str(&ident(id)),
            ObjectNamePart::Function(function) => out.push_str(&function.to_string()),
        }
    }
    out
}

/// The last part of a possibly qualified name: the column of `t.c`.
pub(super) fn last(name: &ObjectName) -> String {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(id)) => ident(id),
        Some(ObjectNamePart::Function(function)) => function.to_string(),
        None => String::new(),
    }
}

/// The table an `UPDATE` / `DELETE` works on; the relation's text when it is not a plain table.
pub(super) fn relation(table: &TableWithJoins) -> String {
    match &table.relation {
        TableFactor::Table { name, .. } => object(name),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoted_is_lower_cased_and_quoted_is_kept() {
        let name = ObjectName::from(vec![Ident::new("Public"), Ident::with_quote('"', "Users")]);
        assert_eq!(object(&name), "public.Users");
    }
}
