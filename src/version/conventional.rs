//! Reading commit messages as Conventional Commits (parsing itself is `git-conventional`'s).
use crate::git::CommitInfo;

/// A commit of the release range as the version logic sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseCommit {
    /// Abbreviated id, as shown in notes.
    pub short_id: String,
    /// The first line of the message.
    pub subject: String,
    /// The parsed message, or `None` when it is not a Conventional Commit.
    pub conventional: Option<Conventional>,
}

/// The parts of a Conventional Commit that decide the version and the notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conventional {
    /// The type, lower-cased (`feat`, `fix`, …).
    pub kind: String,
    /// The scope, if any.
    pub scope: Option<String>,
    /// The description after `type(scope): `.
    pub description: String,
    /// `!` after the type, or a `BREAKING CHANGE:` / `BREAKING-CHANGE:` footer.
    pub breaking: bool,
    /// The text of the breaking-change footer, when there is one.
    pub breaking_note: Option<String>,
    /// A `Release-As: X.Y.Z` footer, verbatim.
    pub release_as: Option<String>,
}

impl ReleaseCommit {
    /// Interpret a commit; merge commits are the caller's to skip.
    pub fn from_commit(commit: &CommitInfo) -> Self {
        let subject = commit
            .message
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        Self {
            short_id: commit.short_id(),
            subject,
            conventional: Conventional::parse(&commit.message),
        }
    }
}

impl Conventional {
    /// Parse a whole commit message; `None` when it does not follow the specification.
    pub fn parse(message: &str) -> Option<Self> {
        let message = strip_git_comments(message);
        let message = message.trim();
        if let Some(revert) = Self::git_revert(message) {
            return Some(revert);
        }
        match git_conventional::Commit::parse(message) {
            Ok(commit) => Some(Self::of(&commit)),
            Err(_) => Self::subject_only(message),
        }
    }

    /// git's own revert commit (`Revert "<subject>"` … `This reverts commit <sha>.`): a `revert`,
    /// as conventional-changelog reads it.
    fn git_revert(message: &str) -> Option<Self> {
        let subject = message.lines().next()?.trim();
        let reverted = subject.strip_prefix("Revert \"")?;
        if !message
            .lines()
            .any(|l| l.trim_start().starts_with("This reverts commit "))
        {
            return None;
        }
        // `Revert "feat: x" (#12)`: the quoted subject ends at the last quote.
        let description = reverted.rsplit_once('"').map_or(reverted, |(d, _)| d);
        Some(Self {
            kind: "revert".to_owned(),
            scope: None,
            description: description.to_owned(),
            breaking: false,
            breaking_note: None,
            release_as: None,
        })
    }

    /// A Conventional subject followed directly by body text (no blank line): read by its first
    /// line; breaking-change footers in the rest still count.
    fn subject_only(message: &str) -> Option<Self> {
        let (subject, rest) = message.split_once('\n')?;
        let commit = git_conventional::Commit::parse(subject.trim()).ok()?;
        let mut parsed = Self::of(&commit);
        let footer = rest.lines().find_map(|l| {
            l.strip_prefix("BREAKING CHANGE:")
                .or_else(|| l.strip_prefix("BREAKING-CHANGE:"))
        });
        if let Some(note) = footer {
            parsed.breaking = true;
            parsed.breaking_note = Some(note.trim().to_owned());
        }
        Some(parsed)
    }

    fn of(commit: &git_conventional::Commit<'_>) -> Self {
        let footer_value = |wanted: &str| {
            commit
                .footers()
                .iter()
                .find(|f| f.token().as_str().eq_ignore_ascii_case(wanted))
                .map(|f| f.value().trim().to_owned())
        };
        let breaking_note = commit
            .footers()
            .iter()
            .find(|f| f.breaking())
            .map(|f| f.value().trim().to_owned());
        Self {
            kind: commit.type_().as_str().to_ascii_lowercase(),
            scope: commit.scope().map(|s| s.as_str().to_owned()),
            description: commit.description().trim().to_owned(),
            breaking: commit.breaking(),
            breaking_note,
            release_as: footer_value("Release-As"),
        }
    }
}

/// Drop the `# …` lines git leaves when a message was written with `--cleanup=verbatim`.
fn strip_git_comments(message: &str) -> String {
    if !message.lines().any(|l| l.starts_with('#')) {
        return message.to_owned();
    }
    message
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::Conventional;

    #[test]
    fn git_revert_commits_are_reverts() {
        let c = Conventional::parse(
            "Revert \"fix(deps): update dependency yargs to v17\" (#2534)\n\nReverts #1912\n\nThis reverts commit f419080fbf86c6319b08ee6b5299525ecc8ee831.\n",
        )
        .unwrap();
        assert_eq!(c.kind, "revert");
        assert_eq!(c.description, "fix(deps): update dependency yargs to v17");
        assert!(!c.breaking);
        assert!(
            Conventional::parse("Revert \"x\"\n\nno sha line\n").is_none(),
            "without `This reverts commit` it is not git's revert"
        );
    }

    #[test]
    fn a_subject_followed_directly_by_body_text_parses_by_its_first_line() {
        let c = Conventional::parse("fix(cli): quote paths\nThey had spaces.\n").unwrap();
        assert_eq!(
            (c.kind.as_str(), c.description.as_str()),
            ("fix", "quote paths")
        );
        assert!(!c.breaking);
        let c = Conventional::parse("feat: new flag\nBREAKING CHANGE: old flag removed\n").unwrap();
        assert!(c.breaking);
        assert_eq!(c.breaking_note.as_deref(), Some("old flag removed"));
        assert!(Conventional::parse("not conventional\nbody\n").is_none());
    }

    #[test]
    fn reads_type_scope_and_description() {
        let c = Conventional::parse("feat(api): add the thing\n").unwrap();
        assert_eq!(c.kind, "feat");
        assert_eq!(c.scope.as_deref(), Some("api"));
        assert_eq!(c.description, "add the thing");
        assert!(!c.breaking);
    }

    #[test]
    fn bang_marks_breaking() {
        let c = Conventional::parse("refactor!: drop v1").unwrap();
        assert!(c.breaking);
        assert_eq!(c.breaking_note, None);
    }

    #[test]
    fn both_breaking_footer_spellings_count() {
        for token in ["BREAKING CHANGE", "BREAKING-CHANGE"] {
            let msg = format!("fix: x\n\nbody\n\n{token}: the config moved");
            let c = Conventional::parse(&msg).unwrap();
            assert!(c.breaking, "{token}");
            assert_eq!(c.breaking_note.as_deref(), Some("the config moved"));
        }
    }

    #[test]
    fn release_as_footer_is_read() {
        let c = Conventional::parse("chore: cut 2.0\n\nRelease-As: 2.0.0").unwrap();
        assert_eq!(c.release_as.as_deref(), Some("2.0.0"));
    }

    #[test]
    fn type_is_case_insensitive() {
        assert_eq!(Conventional::parse("Feat: x").unwrap().kind, "feat");
    }

    #[test]
    fn non_conventional_messages_are_not_guessed() {
        for msg in [
            "Update README",
            "feat add thing",
            "Merge branch 'x'",
            ": no type",
            "",
        ] {
            assert_eq!(Conventional::parse(msg), None, "{msg:?}");
        }
    }
}
