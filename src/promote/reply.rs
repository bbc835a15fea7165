//! The replies shipgate writes under a command: the hidden answer marker first, then the
//! decision and every check. Nothing from the comment is echoed but the canonical command,
//! whose free text was cleaned when it was parsed, inside a code span.
use super::checks::Check;
use super::decide::Decision;

/// The reply to a decided command under its answer `marker`; `started` says what was started
/// on acceptance.
pub fn decision_reply(
    marker: &str,
    decision: &Decision,
    author: &str,
    prefix: &str,
    started: Option<&str>,
) -> String {
    let accepted = decision.accepted();
    let mut out = format!("{marker}\n");
    let headline = if accepted {
        "🚀 **Accepted**"
    } else {
        "👎 **Refused**"
    };
    out.push_str(&format!(
        "{headline}: {} by @{author}",
        code(&decision.command.canonical(prefix))
    ));
    if let Some(target) = &decision.target {
        out.push_str(&format!(
            " — {} (commit `{}`) to **{}**, risk {}",
            code(&target.tag),
            super::checks::short(&target.sha),
            target.environment,
            target.risk
        ));
    }
    out.push_str(".\n\n");
    out.push_str(&checks_table(&decision.checks));
    match (accepted, started) {
        (true, Some(started)) => out.push_str(&format!("\n{started}\n")),
        (true, None) => {}
        (false, _) => {
            out.push_str("\nNothing was started. Fix what failed and comment again.\n");
        }
    }
    out
}

/// The reply to a commenter without the permission the command needs.
pub fn unauthorised_reply(marker: &str, check: &Check) -> String {
    format!(
        "{marker}\n👎 **Refused**: {}.\n\nNothing was started.\n",
        check.detail
    )
}

/// The reply when starting an accepted deployment failed.
pub fn start_failed_reply(marker: &str, error: &str) -> String {
    format!(
        "{marker}\n⚠️ **Accepted, but the deployment could not be started**: {}\n\nComment again once \
         the cause is fixed.\n",
        code(error)
    )
}

/// The reply to a misused or unknown command: the problem and the help.
pub fn invalid_reply(
    marker: &str,
    problem: &str,
    author: &str,
    prefix: &str,
    environments: &[String],
) -> String {
    format!(
        "{marker}\n👎 @{author}: {problem}.\n\n{}",
        help(prefix, environments)
    )
}

/// What every command does.
pub fn help(prefix: &str, environments: &[String]) -> String {
    let later: Vec<&str> = environments.iter().skip(1).map(String::as_str).collect();
    let example = later.last().copied().unwrap_or("production");
    let rows = [
        (
            format!("{prefix}promote ENV"),
            format!(
                "deploy this release to ENV ({}) once the environment before it ran the same commit successfully",
                later.join(", ")
            ),
        ),
        (
            format!("{prefix}promote ENV --override-window \"reason\""),
            "the same outside the deployment window (admins only; the reason is recorded)"
                .to_owned(),
        ),
        (
            format!("{prefix}rollback ENV [vX.Y.Z]"),
            "deploy the previous successful version of ENV again (or the one named)".to_owned(),
        ),
        (
            format!("{prefix}hold [reason]"),
            "stop promotions of this release until unhold".to_owned(),
        ),
        (format!("{prefix}unhold"), "lift the hold".to_owned()),
        (
            format!("{prefix}status"),
            "where this release is deployed, the hold and the window".to_owned(),
        ),
        (format!("{prefix}help"), "this text".to_owned()),
    ];
    let mut out = String::from("| command | what it does |\n|---|---|\n");
    for (command, what) in rows {
        out.push_str(&format!("| {} | {what} |\n", code(&command)));
    }
    out.push_str(&format!(
        "\nThe command is the first line of a comment, e.g. {}.\n",
        code(&format!("{prefix}promote {example}"))
    ));
    out
}

/// A reply to `/help` or `/status` from an authorised user.
pub fn info_reply(marker: &str, author: &str, text: &str) -> String {
    format!("{marker}\n@{author}\n\n{text}")
}

/// The checks as a Markdown table.
pub fn checks_table(checks: &[Check]) -> String {
    let mut out = String::from("| check | result |\n|---|---|\n");
    for check in checks {
        let mark = if check.passed { "✅" } else { "❌" };
        out.push_str(&format!(
            "| {} | {mark} {} |\n",
            check.gate,
            check.detail.replace('|', "\\|")
        ));
    }
    out
}

/// `text` as an inline code span that no backtick inside can close.
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!(
        "{fence}{pad}{}{pad}{fence}",
        text.replace(['\n', '\r'], " ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_newlines() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a\nb"), "`a b`");
    }

    #[test]
    fn help_lists_every_command_with_the_prefix() {
        let text = help("!", &["stage".into(), "production".into()]);
        for word in ["promote", "rollback", "hold", "unhold", "status", "help"] {
            assert!(text.contains(&format!("`!{word}")), "{word}: {text}");
        }
        assert!(text.contains("`!promote production`"));
    }
}
