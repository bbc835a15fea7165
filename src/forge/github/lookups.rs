//! Look-ups beside the issue flow: the commit a release tag names, its message, and team
//! membership.
use super::GithubForge;
use super::calls::NO_BODY;
use super::wire::{GhMembership, GitObject, GitRef, GitTag};
use crate::forge::team::org_and_slug;
use crate::forge::transport::{Call, Method, Scope, encode};
use crate::forge::{ForgeError, ForgeResult};
use crate::retry::CallKind::Idempotent;

/// A tag as GitHub holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagOnForge {
    /// GitHub has no such tag.
    Missing,
    /// A lightweight tag: a ref straight to a commit, no message.
    Lightweight,
    /// An annotated tag.
    Annotated {
        /// The message of the tag object the ref points at.
        message: String,
    },
}

/// The most annotated tag objects followed from a tag to its commit (a tag of a tag of …).
pub(super) const MAX_PEEL: usize = 8;

/// What reading team membership needs; GitHub grants it on the organization, never to a
/// workflow's `GITHUB_TOKEN`.
const TEAM_NEEDS: &str = "organization `members: read` (a GitHub App, or a fine-grained token; \
                          a classic token needs `read:org`): a workflow's GITHUB_TOKEN cannot read \
                          team membership";

impl GithubForge {
    /// `GET /repos/{o}/{r}/git/ref/tags/{tag}`, then for an annotated tag
    /// `GET /repos/{o}/{r}/git/tags/{sha}` until a commit (at most [`MAX_PEEL`] tag objects).
    /// No such tag is `None` (see [`GithubForge::tag_ref`]).
    pub(super) async fn peeled_tag(&self, tag: &str) -> ForgeResult<Option<String>> {
        let Some(mut object) = self.tag_ref(tag).await? else {
            return Ok(None);
        };
        let what = format!("reading the tag {tag} of {}", self.slug());
        let mut peeled = 0;
        while object.kind == "tag" && peeled < MAX_PEEL {
            object = self.tag_object(tag, &object.sha).await?.object;
            peeled += 1;
        }
        match object.kind.as_str() {
            "commit" => Ok(Some(object.sha)),
            "tag" => Err(ForgeError::Unexpected {
                retry_after: None,
                what,
                status: 200,
                body: format!(
                    "still a tag object ({}) after {MAX_PEEL} levels of tags",
                    object.sha
                ),
            }),
            other => Err(ForgeError::Unexpected {
                retry_after: None,
                what,
                status: 200,
                body: format!("the tag points at a {other} ({}), not a commit", object.sha),
            }),
        }
    }

    /// Whether `tag` is on GitHub, and its message when it is annotated (the tag object
    /// `refs/tags/{tag}` points at: `GET …/git/ref/tags/{tag}`, then `GET …/git/tags/{sha}`).
    pub async fn tag_on_forge(&self, tag: &str) -> ForgeResult<TagOnForge> {
        Ok(match self.tag_ref(tag).await? {
            None => TagOnForge::Missing,
            Some(object) if object.kind == "tag" => TagOnForge::Annotated {
                message: self.tag_object(tag, &object.sha).await?.message,
            },
            Some(_) => TagOnForge::Lightweight,
        })
    }

    /// What `refs/tags/{tag}` points at (`GET /repos/{o}/{r}/git/ref/tags/{tag}`). 404 is
    /// `None` (GitHub answers it for a repository the token cannot see, too), and so is 409, an
    /// empty repository, and an answer naming another ref.
    async fn tag_ref(&self, tag: &str) -> ForgeResult<Option<GitObject>> {
        if tag.is_empty() {
            return Ok(None);
        }
        let what = format!("reading the tag {tag} of {}", self.slug());
        let call = self.call(&what, "contents: read", Idempotent);
        let path = self.repo_path(&format!("/git/ref/tags/{}", encode_ref(tag)));
        let found: GitRef = match self.http.json(call, Method::Get, &path, NO_BODY).await {
            Ok(found) => found,
            Err(ForgeError::NotFound { .. } | ForgeError::Unexpected { status: 409, .. }) => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        if found.name != format!("refs/tags/{tag}") {
            tracing::debug!(tag, got = %found.name, "GitHub answered another ref: no such tag");
            return Ok(None);
        }
        Ok(Some(found.object))
    }

    /// The annotated tag object `sha` (of the tag named `tag`).
    async fn tag_object(&self, tag: &str, sha: &str) -> ForgeResult<GitTag> {
        let what = format!("reading the tag object {sha} of {tag} in {}", self.slug());
        let call = self.call(&what, "contents: read", Idempotent);
        let path = self.repo_path(&format!("/git/tags/{}", encode(sha)));
        self.http.json(call, Method::Get, &path, NO_BODY).await
    }

    /// `GET /orgs/{org}/teams/{slug}/memberships/{login}` (members of child teams included):
    /// only an `active` membership counts, not a `pending` invitation. 404 is `false`: GitHub
    /// answers it both for a non-member and for a team the token cannot see.
    pub(super) async fn active_team_member(&self, team: &str, login: &str) -> ForgeResult<bool> {
        let (org, slug) = org_and_slug(team)?;
        let what = format!("reading the membership of {login} in the GitHub team {team}");
        let call = Call {
            what: &what,
            needs: TEAM_NEEDS,
            on: Scope::Group,
            kind: Idempotent,
        };
        let path = format!(
            "/orgs/{}/teams/{}/memberships/{}",
            encode(org),
            encode(slug),
            encode(login)
        );
        match self
            .http
            .json::<GhMembership, ()>(call, Method::Get, &path, NO_BODY)
            .await
        {
            Ok(membership) => Ok(membership.state == "active"),
            Err(ForgeError::NotFound { .. }) => {
                tracing::debug!(
                    team,
                    login,
                    "GitHub answered 404: not a member, or the token cannot see the team"
                );
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }
}

/// A ref name for a path: each `/`-separated part encoded, the slashes kept (`release/1.0`).
fn encode_ref(name: &str) -> String {
    name.split('/').map(encode).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_names_keep_their_slashes() {
        assert_eq!(encode_ref("v1.2.0"), "v1.2.0");
        assert_eq!(encode_ref("release/1.0+b"), "release/1.0%2Bb");
    }
}
