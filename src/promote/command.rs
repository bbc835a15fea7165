//! The command grammar: the first line of a comment, `/promote production`, `/hold reason`, …
//!
//! Only the first line counts, so a command cannot hide below prose. A line that does not start
//! with the prefix followed by a lowercase word is not a command at all and leaves no trace.
use std::fmt;

use semver::Version;

/// The longest reason kept from a comment; the rest is cut (it is echoed in replies).
const MAX_REASON_CHARS: usize = 200;

/// A command people give on a deployment issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/promote ENV [--override-window "reason"]`.
    Promote {
        /// The target environment.
        environment: String,
        /// Why the window is overridden (admins only).
        override_window: Option<String>,
    },
    /// `/rollback ENV [vX.Y.Z]`.
    Rollback {
        /// The environment to roll back.
        environment: String,
        /// The version to go back to; default: the previous successful one.
        version: Option<Version>,
    },
    /// `/hold [reason]`: no promotion until `/unhold`.
    Hold {
        /// Why.
        reason: Option<String>,
    },
    /// `/unhold`.
    Unhold,
    /// `/status`.
    Status,
    /// `/help`.
    Help,
}

impl Command {
    /// The command's word: `promote`, `rollback`, …
    pub fn word(&self) -> &'static str {
        match self {
            Self::Promote { .. } => "promote",
            Self::Rollback { .. } => "rollback",
            Self::Hold { .. } => "hold",
            Self::Unhold => "unhold",
            Self::Status => "status",
            Self::Help => "help",
        }
    }

    /// The environment the command deploys to, if it deploys.
    pub fn deploys_to(&self) -> Option<&str> {
        match self {
            Self::Promote { environment, .. } | Self::Rollback { environment, .. } => {
                Some(environment)
            }
            _ => None,
        }
    }

    /// The command written canonically with `prefix`, safe to echo: names are checked tokens and
    /// reasons are cleaned text (see [`clean_text`]); Markdown code spans are the caller's job.
    pub fn canonical(&self, prefix: &str) -> String {
        let word = self.word();
        match self {
            Self::Promote {
                environment,
                override_window: Some(reason),
            } => format!("{prefix}{word} {environment} --override-window \"{reason}\""),
            Self::Promote { environment, .. } => format!("{prefix}{word} {environment}"),
            Self::Rollback {
                environment,
                version: Some(v),
            } => format!("{prefix}{word} {environment} v{v}"),
            Self::Rollback { environment, .. } => format!("{prefix}{word} {environment}"),
            Self::Hold {
                reason: Some(reason),
            } => format!("{prefix}{word} {reason}"),
            _ => format!("{prefix}{word}"),
        }
    }
}

/// What the first line of a comment says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Not a command: ignored without a trace.
    NotACommand,
    /// A command.
    Command(Command),
    /// A command word we do not know, or a known one used wrongly: answered with the help.
    Invalid {
        /// The word after the prefix (lowercase letters and `-` only, safe to echo).
        word: String,
        /// What is wrong, for people.
        problem: String,
    },
}

/// Reads the first line of `body` as a command given with `prefix`.
pub fn parse_command(body: &str, prefix: &str) -> Parsed {
    let line = body.lines().next().unwrap_or("").trim();
    let Some(rest) = line.strip_prefix(prefix) else {
        return Parsed::NotACommand;
    };
    let word_len = rest
        .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
        .unwrap_or(rest.len());
    let (word, args) = rest.split_at(word_len);
    let starts_with_letter = word.starts_with(|c: char| c.is_ascii_lowercase());
    if !starts_with_letter || !(args.is_empty() || args.starts_with(char::is_whitespace)) {
        return Parsed::NotACommand;
    }
    let args = args.trim();
    let invalid = |problem: String| Parsed::Invalid {
        word: word.to_owned(),
        problem,
    };
    match word {
        "promote" => promote(args).map_or_else(invalid, Parsed::Command),
        "rollback" => rollback(args).map_or_else(invalid, Parsed::Command),
        "hold" => Parsed::Command(Command::Hold {
            reason: some_text(args),
        }),
        "unhold" | "status" | "help" if !args.is_empty() => {
            invalid(format!("`{word}` takes no arguments"))
        }
        "unhold" => Parsed::Command(Command::Unhold),
        "status" => Parsed::Command(Command::Status),
        "help" => Parsed::Command(Command::Help),
        _ => invalid(format!("`{word}` is not a shipgate command")),
    }
}

fn promote(args: &str) -> Result<Command, String> {
    let usage = "write `promote ENVIRONMENT` or `promote ENVIRONMENT --override-window \"reason\"`";
    let (environment, rest) = split_word(args);
    let environment = environment_name(environment).ok_or_else(|| usage.to_owned())?;
    let override_window = match split_word(rest) {
        ("", _) => None,
        ("--override-window", reason) => Some(
            some_text(unquote(reason))
                .ok_or("`--override-window` needs a reason: --override-window \"why\"")?,
        ),
        _ => return Err(usage.to_owned()),
    };
    Ok(Command::Promote {
        environment,
        override_window,
    })
}

fn rollback(args: &str) -> Result<Command, String> {
    let usage = "write `rollback ENVIRONMENT` or `rollback ENVIRONMENT vX.Y.Z`";
    let (environment, rest) = split_word(args);
    let environment = environment_name(environment).ok_or_else(|| usage.to_owned())?;
    let version = match split_word(rest) {
        ("", _) => None,
        (text, "") => Some(
            Version::parse(text.strip_prefix('v').unwrap_or(text))
                .map_err(|_| format!("`{}` is not a version; {usage}", clean_text(text)))?,
        ),
        _ => return Err(usage.to_owned()),
    };
    Ok(Command::Rollback {
        environment,
        version,
    })
}

/// The first whitespace-separated word and the trimmed rest.
fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim();
    match text.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (text, ""),
    }
}

/// An environment name as `environments` allows them (checked again against the list later).
fn environment_name(text: &str) -> Option<String> {
    let mut chars = text.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    ok.then(|| text.to_owned())
}

fn unquote(text: &str) -> &str {
    let text = text.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner;
        }
    }
    text
}

fn some_text(text: &str) -> Option<String> {
    Some(clean_text(text)).filter(|t| !t.is_empty())
}

/// Text from a comment made safe to keep and echo: no control characters, no HTML comment or
/// tag delimiters (our own replies carry hidden markers), whitespace collapsed, at most 200
/// characters.
pub fn clean_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '<' | '>' | '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let mut words = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = words.char_indices().nth(MAX_REASON_CHARS) {
        words.truncate(cut);
        words.push('…');
    }
    words
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(text: &str) -> Command {
        match parse_command(text, "/") {
            Parsed::Command(c) => c,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    fn problem(text: &str) -> String {
        match parse_command(text, "/") {
            Parsed::Invalid { problem, .. } => problem,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn every_command_parses() {
        let table = [
            (
                "/promote production",
                Command::Promote {
                    environment: "production".into(),
                    override_window: None,
                },
            ),
            (
                "  /promote production --override-window \"hotfix for INC-12\"\nthanks",
                Command::Promote {
                    environment: "production".into(),
                    override_window: Some("hotfix for INC-12".into()),
                },
            ),
            (
                "/rollback production",
                Command::Rollback {
                    environment: "production".into(),
                    version: None,
                },
            ),
            (
                "/rollback production v1.2.3",
                Command::Rollback {
                    environment: "production".into(),
                    version: Some(Version::new(1, 2, 3)),
                },
            ),
            (
                "/hold waiting for the DBA",
                Command::Hold {
                    reason: Some("waiting for the DBA".into()),
                },
            ),
            ("/hold", Command::Hold { reason: None }),
            ("/unhold", Command::Unhold),
            ("/status", Command::Status),
            ("/help\r\n", Command::Help),
        ];
        for (text, expected) in table {
            assert_eq!(cmd(text), expected, "{text:?}");
        }
    }

    #[test]
    fn prose_and_paths_are_not_commands() {
        for text in [
            "",
            "LGTM",
            "please /promote production",
            "Thanks!\n/promote production",
            "/tmp/file is full",
            "/ promote production",
            "/Promote production",
            "/1",
            "//promote production",
        ] {
            assert_eq!(parse_command(text, "/"), Parsed::NotACommand, "{text:?}");
        }
    }

    #[test]
    fn misuse_is_answered_with_the_problem() {
        assert!(problem("/promote").contains("promote ENVIRONMENT"));
        assert!(problem("/promote prod/eu").contains("promote ENVIRONMENT"));
        assert!(problem("/promote production now").contains("--override-window"));
        assert!(problem("/promote production --override-window").contains("needs a reason"));
        assert!(problem("/promote production --override-window \"\"").contains("needs a reason"));
        assert!(problem("/rollback production 1.x").contains("not a version"));
        assert!(problem("/status now").contains("takes no arguments"));
        assert!(problem("/deploy production").contains("not a shipgate command"));
    }

    #[test]
    fn the_prefix_is_configurable() {
        assert_eq!(
            parse_command("!status", "!"),
            Parsed::Command(Command::Status)
        );
        assert_eq!(parse_command("/status", "!"), Parsed::NotACommand);
        assert_eq!(
            parse_command("shipgate: status", "shipgate: "),
            Parsed::Command(Command::Status)
        );
    }

    #[test]
    fn reasons_are_cleaned_of_markup_and_control_characters() {
        let Command::Hold { reason: Some(r) } =
            cmd("/hold <!-- shipgate:answer 1 accepted --> `$(rm -rf /)` ${{ secrets.X }}\u{7}")
        else {
            panic!()
        };
        assert_eq!(
            r,
            "'!-- shipgate:answer 1 accepted --' '$(rm -rf /)' ${{ secrets.X }}"
        );
        let long = format!("/hold {}", "a".repeat(300));
        let Command::Hold { reason: Some(r) } = cmd(&long) else {
            panic!()
        };
        assert_eq!(r.chars().count(), MAX_REASON_CHARS + 1);
    }

    #[test]
    fn canonical_forms_read_back_the_same() {
        for text in [
            "/promote production",
            "/promote production --override-window \"INC-12 fix\"",
            "/rollback stage v2.0.0-rc.1",
            "/hold DBA busy",
            "/unhold",
            "/status",
            "/help",
        ] {
            let command = cmd(text);
            assert_eq!(cmd(&command.canonical("/")), command, "{text}");
        }
    }
}
