//! What a run of `shipgate-version publish` says: its outputs and its text.
use super::{AssetAction, NotesAction, Published};

impl Published {
    /// Files uploaded (new or replacing another).
    pub fn uploaded(&self) -> usize {
        self.assets
            .iter()
            .filter(|(_, a)| *a != AssetAction::Unchanged)
            .count()
    }

    /// Files the release already held.
    pub fn skipped(&self) -> usize {
        self.assets.len() - self.uploaded()
    }

    /// The step outputs: `tag`, `release-id`, `release-url`, `draft`, `uploaded`, `skipped`.
    pub fn outputs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("tag", self.release.tag_name.clone()),
            ("release-id", self.release.id.to_string()),
            ("release-url", self.release.html_url.clone()),
            ("draft", self.release.draft.to_string()),
            ("uploaded", self.uploaded().to_string()),
            ("skipped", self.skipped().to_string()),
        ]
    }

    /// For people: what was done to the release, its notes and each file.
    pub fn text(&self) -> String {
        let release = &self.release;
        let (tag, url) = (&release.tag_name, &release.html_url);
        let mut lines = vec![match (self.created, release.draft) {
            (true, true) => format!("created the draft release {tag}: {url}"),
            (true, false) => format!("created and published the release {tag}: {url}"),
            (false, _) if self.published_now => {
                format!("published the release {tag} (it was a draft): {url}")
            }
            (false, _) if self.kept_published => format!(
                "the release {tag} is published and stays so (--draft never unpublishes): {url}"
            ),
            (false, true) => format!("the draft release {tag} is there: {url}"),
            (false, false) => format!("the release {tag} is there: {url}"),
        }];
        lines.push(
            match self.notes {
                NotesAction::Written => "notes: written",
                NotesAction::Replaced => "notes: replaced by the notes file",
                NotesAction::Kept => "notes: kept as they were (--notes-file replaces them)",
            }
            .to_owned(),
        );
        for (name, action) in &self.assets {
            lines.push(match action {
                AssetAction::Uploaded => format!("uploaded {name}"),
                AssetAction::Replaced(why) => format!("replaced {name} ({})", why.text()),
                AssetAction::Unchanged => format!("kept {name} (unchanged)"),
            });
        }
        if !self.assets.is_empty() {
            lines.push(format!(
                "assets: {} uploaded, {} unchanged",
                self.uploaded(),
                self.skipped()
            ));
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forge::github::Release;
    use crate::github_release::Mismatch;

    fn published(draft: bool) -> Published {
        Published {
            release: Release {
                id: 7,
                tag_name: "v1.2.0".into(),
                draft,
                body: None,
                html_url: "https://github.com/acme/shop/releases/tag/v1.2.0".into(),
            },
            created: false,
            notes: NotesAction::Kept,
            published_now: false,
            kept_published: false,
            assets: vec![
                ("a.tar.gz".into(), AssetAction::Unchanged),
                ("b.tar.gz".into(), AssetAction::Replaced(Mismatch::Digest)),
                ("SHA256SUMS".into(), AssetAction::Uploaded),
            ],
        }
    }

    #[test]
    fn outputs_count_uploads_and_skips() {
        let outputs = published(true).outputs();
        let get = |k: &str| outputs.iter().find(|(key, _)| *key == k).unwrap().1.clone();
        assert_eq!(get("tag"), "v1.2.0");
        assert_eq!(get("release-id"), "7");
        assert_eq!(get("draft"), "true");
        assert_eq!(get("uploaded"), "2");
        assert_eq!(get("skipped"), "1");
    }

    #[test]
    fn the_text_says_what_happened() {
        let mut kept = published(false);
        kept.kept_published = true;
        let text = kept.text();
        assert!(
            text.starts_with("the release v1.2.0 is published and stays so"),
            "{text}"
        );
        assert!(
            text.contains("replaced b.tar.gz (its digest differed)"),
            "{text}"
        );
        assert!(text.contains("kept a.tar.gz (unchanged)"), "{text}");
        assert!(text.ends_with("assets: 2 uploaded, 1 unchanged"), "{text}");
        let mut now = published(false);
        now.published_now = true;
        assert!(
            now.text()
                .starts_with("published the release v1.2.0 (it was a draft)")
        );
    }
}
