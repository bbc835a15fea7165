//! What `shipgate-version` decided, and the shapes it is reported in.
use semver::Version;
use serde::Serialize;

use super::bump::Bump;
use super::conventional::ReleaseCommit;

/// The result of a run: the documented outputs plus what text output shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Whether there is a release (made now, in an earlier run, or — with `--dry-run` — to be made).
    pub released: bool,
    /// The release's version.
    pub version: Option<Version>,
    /// The release's tag.
    pub tag: Option<String>,
    /// The last stable release before it.
    pub previous_version: Option<Version>,
    /// The tag of the last stable release.
    pub previous_tag: Option<String>,
    /// How far the version moved.
    pub bump: Bump,
    /// Release notes (Markdown).
    pub notes: String,
    /// The commit the tag names.
    pub commit: Option<String>,
    /// Commits that are not Conventional Commits (listed, never guessed).
    pub ignored: Vec<ReleaseCommit>,
    /// Nothing was written.
    pub dry_run: bool,
    /// HEAD already carried this release's tag: this run only completed what was missing.
    pub already_released: bool,
    /// The release commit and tag are on the remote.
    pub pushed: bool,
}

/// `--format json`: the outputs as one object with snake_case keys (`schemas/version-output.schema.json`).
#[derive(Debug, Serialize)]
pub struct JsonOutcome<'a> {
    released: bool,
    version: String,
    tag: String,
    previous_version: String,
    previous_tag: String,
    bump: String,
    notes: &'a str,
    commit: String,
    dry_run: bool,
    already_released: bool,
    pushed: bool,
    ignored_commits: Vec<IgnoredCommit<'a>>,
}

/// A commit that was not read as a Conventional Commit.
#[derive(Debug, Serialize)]
pub struct IgnoredCommit<'a> {
    id: &'a str,
    subject: &'a str,
}

fn text_of<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

impl Outcome {
    /// The step outputs, kebab-case keys, in a stable order (empty strings for "none").
    pub fn outputs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("released", self.released.to_string()),
            ("version", text_of(&self.version)),
            ("tag", text_of(&self.tag)),
            ("previous-version", text_of(&self.previous_version)),
            ("previous-tag", text_of(&self.previous_tag)),
            ("bump", self.bump.to_string()),
            ("notes", self.notes.clone()),
        ]
    }

    /// The JSON shape.
    pub fn json(&self) -> JsonOutcome<'_> {
        JsonOutcome {
            released: self.released,
            version: text_of(&self.version),
            tag: text_of(&self.tag),
            previous_version: text_of(&self.previous_version),
            previous_tag: text_of(&self.previous_tag),
            bump: self.bump.to_string(),
            notes: &self.notes,
            commit: text_of(&self.commit),
            dry_run: self.dry_run,
            already_released: self.already_released,
            pushed: self.pushed,
            ignored_commits: self
                .ignored
                .iter()
                .map(|c| IgnoredCommit {
                    id: &c.short_id,
                    subject: &c.subject,
                })
                .collect(),
        }
    }

    /// Markdown for the CI job summary.
    pub fn summary(&self) -> String {
        let Some(tag) = self.tag.as_deref().filter(|_| self.released) else {
            return "### shipgate-version\n\nNothing to release: no commit of a releasing type.\n"
                .to_owned();
        };
        let previous = self.previous_tag.as_deref().unwrap_or("none");
        let verb = if self.dry_run {
            "Would release"
        } else {
            "Released"
        };
        format!(
            "### shipgate-version\n\n{verb} **{tag}** ({} bump, previous: {previous})\n\n{}",
            self.bump, self.notes
        )
    }

    /// Human-readable report.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let previous = self.previous_tag.as_deref().unwrap_or("no earlier release");
        match (&self.tag, self.released) {
            (Some(tag), true) => {
                let state = if self.dry_run {
                    "would release"
                } else if self.already_released {
                    "already released"
                } else {
                    "released"
                };
                out.push_str(&format!(
                    "{state} {tag} ({} bump from {previous})",
                    self.bump
                ));
                if !self.dry_run {
                    let pushed = if self.pushed { "pushed" } else { "not pushed" };
                    out.push_str(&format!(", {pushed}"));
                }
                out.push('\n');
            }
            _ => out.push_str(&format!(
                "nothing to release since {previous}: no commit of a releasing type\n"
            )),
        }
        if !self.ignored.is_empty() {
            out.push_str("\nignored (not Conventional Commits):\n");
            for c in &self.ignored {
                out.push_str(&format!("  {} {}\n", c.short_id, c.subject));
            }
        }
        if !self.notes.is_empty() {
            out.push('\n');
            out.push_str(&self.notes);
        }
        out
    }
}
