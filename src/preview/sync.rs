//! Keeping one preview comment on a change request: found by its marker among shipgate's own
//! comments, edited in place when its text changed, left alone when not, created only when
//! there is none.
use super::{MARKER, PreviewError};
use crate::forge::{Comment, Forge, ForgeError, create_once};

/// What became of the comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// There was none: it was written.
    Created,
    /// It said something else: its text was replaced.
    Edited,
    /// It already said this: nothing was sent.
    Unchanged,
}

/// The comment after [`sync`], and what was done.
#[derive(Debug, Clone)]
pub struct Synced {
    /// The comment.
    pub comment: Comment,
    /// What was done.
    pub action: Action,
}

/// Whether `comment` is shipgate's preview: written by `login` and carrying the marker. A
/// comment by anyone else is never taken for it, whatever it holds.
pub fn is_preview(comment: &Comment, login: &str) -> bool {
    !comment.system && comment.author.eq_ignore_ascii_case(login) && comment.body.contains(MARKER)
}

/// The comment's web address: the forge's, else (GitLab names none for a note) the merge
/// request's page in `project_url` (`CI_MERGE_REQUEST_PROJECT_URL`) with the note's anchor.
pub fn comment_url(comment: &Comment, number: u64, project_url: Option<&str>) -> Option<String> {
    comment.url.clone().or_else(|| {
        project_url.map(|url| {
            format!(
                "{}/-/merge_requests/{number}#note_{}",
                url.trim_end_matches('/'),
                comment.id
            )
        })
    })
}

/// Make change request `number` carry `body` in shipgate's one preview comment.
pub async fn sync<F: Forge>(forge: &F, number: u64, body: &str) -> Result<Synced, PreviewError> {
    let login = forge.own_login().await?;
    let comments = forge.change_comments(number).await?;
    // The oldest is the one: a second one is never made, so there is none to pick among.
    if let Some(existing) = comments.into_iter().find(|c| is_preview(c, &login)) {
        if existing.body.trim_end() == body.trim_end() {
            return Ok(Synced {
                comment: existing,
                action: Action::Unchanged,
            });
        }
        let comment = forge.edit_change_comment(number, existing.id, body).await?;
        return Ok(Synced {
            comment,
            action: Action::Edited,
        });
    }
    let login = &login;
    let comment = create_once(
        &forge.retry_policy(),
        "writing the release preview",
        || forge.comment_on_change(number, body),
        || async move {
            let comments = forge.change_comments(number).await?;
            Ok::<_, ForgeError>(comments.into_iter().find(|c| is_preview(c, login)))
        },
    )
    .await?;
    Ok(Synced {
        comment,
        action: Action::Created,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forge::local::LocalForge;

    fn block<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn one_comment_created_left_alone_then_edited() {
        let dir = tempfile::tempdir().unwrap();
        let forge = LocalForge::new(dir.path(), "shipgate");
        let outsider = LocalForge::new(dir.path(), "mallory");
        block(async {
            outsider
                .comment_on_change(3, &format!("{MARKER}\nfake preview"))
                .await
                .unwrap();
            let first = sync(&forge, 3, &format!("{MARKER}\none")).await.unwrap();
            assert_eq!(first.action, Action::Created);
            let again = sync(&forge, 3, &format!("{MARKER}\none\n")).await.unwrap();
            assert_eq!(again.action, Action::Unchanged);
            assert_eq!(again.comment.id, first.comment.id);
            let edited = sync(&forge, 3, &format!("{MARKER}\ntwo")).await.unwrap();
            assert_eq!(edited.action, Action::Edited);
            assert_eq!(edited.comment.id, first.comment.id);
            let all = forge.change_comments(3).await.unwrap();
            assert_eq!(all.len(), 2);
            assert_eq!(all[0].body, format!("{MARKER}\nfake preview"));
        });
    }
}
