//! The human report: the order first, then why, the two sets, and each migration's findings as
//! `path:line:col: severity[RULE] message` with an indented `help:` line.
use std::fmt::Write as _;
use std::path::PathBuf;

use super::{file_class_name, framework_name, path_str};
use crate::schema::model::{Order, Report, Severity};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const GREEN: &str = "\x1b[1;32m";
const CYAN: &str = "\x1b[1;36m";
const DIM: &str = "\x1b[2m";

/// Renders `report` for a terminal or a log, with ANSI colours only when `color` is true (the
/// caller decides from `NO_COLOR` and whether the output is a terminal).
pub fn render(report: &Report, color: bool) -> String {
    let paint = |style: &str, text: &str| {
        if color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    };
    let order_style = match report.order {
        Order::Blocked => RED,
        Order::None => BOLD,
        Order::SchemaFirst | Order::CodeFirst => GREEN,
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        paint(BOLD, "order:"),
        paint(order_style, &report.order.to_string())
    );
    let _ = writeln!(out, "{} {}", paint(BOLD, "reason:"), report.reason);
    for (label, set) in [
        ("pre-deploy:", &report.pre_deploy),
        ("post-deploy:", &report.post_deploy),
    ] {
        let _ = writeln!(out, "{}{}", paint(BOLD, label), set_text(set));
    }
    for migration in &report.migrations {
        let path = path_str(&migration.path);
        let post = if migration.post_deploy {
            ", post-deploy"
        } else {
            ""
        };
        let _ = write!(
            out,
            "\n{} {}\n",
            paint(BOLD, &path),
            paint(
                DIM,
                &format!(
                    "({}, {}{post})",
                    framework_name(migration.framework),
                    file_class_name(migration.class)
                )
            )
        );
        for f in &migration.findings {
            let (style, severity) = match f.severity {
                Severity::Error => (RED, "error"),
                Severity::Warning => (YELLOW, "warning"),
                Severity::Info => (CYAN, "info"),
            };
            let _ = writeln!(
                out,
                "  {path}:{}:{}: {} {}",
                f.line,
                f.column,
                paint(style, &format!("{severity}[{}]", f.rule)),
                indent(&f.message, "  ")
            );
            let _ = writeln!(
                out,
                "    {} {}",
                paint(CYAN, "help:"),
                indent(&f.help, "      ")
            );
        }
    }
    out
}

/// ` none`, or each path on its own indented line.
fn set_text(set: &[PathBuf]) -> String {
    if set.is_empty() {
        return " none".to_owned();
    }
    set.iter().map(|p| format!("\n  {}", path_str(p))).collect()
}

/// `text` with every line after the first indented by `prefix`.
fn indent(text: &str, prefix: &str) -> String {
    text.replace('\n', &format!("\n{prefix}"))
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;

    #[test]
    fn order_comes_first_and_colour_only_when_asked() {
        let plain = render(&sample::blocked(), false);
        assert!(plain.starts_with("order: blocked\nreason: "));
        assert!(!plain.contains('\x1b'));
        let coloured = render(&sample::blocked(), true);
        assert!(coloured.starts_with("\x1b[1morder:\x1b[0m \x1b[1;31mblocked\x1b[0m\n"));
        assert!(coloured.contains("\x1b[1;31merror[SG102]\x1b[0m"));
    }

    #[test]
    fn multi_line_messages_stay_indented() {
        let mut report = sample::blocked();
        report.migrations[0].findings[0].help = "first\nsecond".to_owned();
        let text = render(&report, false);
        assert!(text.contains("    help: first\n      second\n"), "{text}");
    }
}
