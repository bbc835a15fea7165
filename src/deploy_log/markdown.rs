//! The log as a Markdown table, for job summaries and sharing.
use super::row::{HEADER, Row};

/// A Markdown table of `rows` (pipes and line breaks in values escaped).
pub fn markdown_table(rows: &[Row]) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace(['\n', '\r'], " ");
    let mut out = format!("| {} |\n", HEADER.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(HEADER.len())));
    for row in rows {
        let cells: Vec<String> = row.fields().iter().map(|f| cell(f)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy_log::row::sample;

    #[test]
    fn a_table_with_escaped_cells() {
        let mut row = sample("1.2.0");
        row.tickets = "a|b".into();
        insta::assert_snapshot!(markdown_table(&[sample("1.1.0"), row]));
    }
}
