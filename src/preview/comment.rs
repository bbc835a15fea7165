//! The preview comment: Markdown behind a hidden marker that finds it again.
use std::fmt::Write as _;

use super::Preview;
use crate::schema::model::Order;
use crate::schema::report::{file_class_name, path_str};

/// The hidden first line of shipgate's preview comment.
pub const MARKER: &str = "<!-- shipgate:preview -->";

/// What to do with a commit subject that is not a Conventional Commit.
pub const IGNORED_FIX: &str = "reword it as `fix: …` or `feat: …` (or `chore: …` when it releases nothing), or squash-merge with a conventional title";

/// The comment's text, the same for the same preview (no time, no run id).
pub fn render(preview: &Preview) -> String {
    let mut md = format!("{MARKER}\n## Release preview\n\n");
    let since = preview
        .previous_tag
        .as_deref()
        .map_or_else(|| "the first release".to_owned(), str::to_owned);
    match (&preview.tag, preview.released()) {
        (Some(tag), true) => {
            let from = match &preview.previous_tag {
                Some(previous) => format!("{} bump from {previous}", preview.bump),
                None => "the first release".to_owned(),
            };
            let _ = writeln!(md, "Merging this change releases **{tag}** ({from}).");
        }
        _ => {
            let _ = writeln!(
                md,
                "Merging this change releases nothing: no commit since {since} is of a releasing type."
            );
        }
    }
    let _ = write!(
        md,
        "\n{} of this change",
        count(preview.change_commits, "commit")
    );
    if preview.pending_commits > 0 {
        let _ = write!(
            md,
            ", {} already on `{}` since {since}",
            count(preview.pending_commits, "commit"),
            escape(&preview.base)
        );
    }
    md.push_str(".\n");

    if !preview.notes.is_empty() {
        md.push_str("\n### Release notes\n\n");
        for line in preview.notes.lines() {
            match line.strip_prefix("### ") {
                Some(title) => {
                    let _ = writeln!(md, "#### {title}");
                }
                None => {
                    let _ = writeln!(md, "{line}");
                }
            }
        }
    }

    if !preview.ignored.is_empty() {
        let _ = write!(
            md,
            "\n### Commits that release nothing\n\n\
             Not Conventional Commits: they count for no version and stay out of the notes. \
             For each, {IGNORED_FIX}.\n\n"
        );
        for commit in &preview.ignored {
            let _ = writeln!(md, "- `{}` {}", commit.short_id, escape(&commit.subject));
        }
    }

    let schema = &preview.schema;
    let _ = write!(md, "\n### Database migrations: `{}`\n\n", schema.order);
    if schema.order == Order::None && schema.migrations.is_empty() {
        md.push_str("This change adds no migration.\n");
    } else {
        let _ = writeln!(md, "{}\n", sentence(&escape(&schema.reason)));
        md.push_str("| Migration | Class | Runs |\n|---|---|---|\n");
        for m in &schema.migrations {
            let runs = if schema.pre_deploy.contains(&m.path) {
                "before the code"
            } else if schema.post_deploy.contains(&m.path) {
                "after the code"
            } else {
                "— (see above)"
            };
            let _ = writeln!(
                md,
                "| `{}` | {} | {runs} |",
                path_str(&m.path).replace('`', "'").replace('|', "\\|"),
                file_class_name(m.class)
            );
        }
    }
    md
}

/// `text` as a sentence: a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Text written by others, shown as text: no HTML, no Markdown markup, no mentions.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '@' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn others_text_cannot_hide_markup() {
        assert_eq!(
            escape("<!-- shipgate:preview --> @ops *now*"),
            "&lt;\\!-- shipgate:preview --&gt; \\@ops \\*now\\*"
        );
    }
}
