//! Look-ups beside the issue flow: the commit a release tag names, and group (team) membership.
use super::GitlabForge;
use super::calls::{NO_BODY, REPORTER};
use super::wire::{GlGroupMember, GlTag};
use crate::forge::team::group_path;
use crate::forge::transport::{Call, Method, Scope, encode};
use crate::forge::{ForgeError, ForgeResult};
use crate::retry::CallKind::Idempotent;

impl GitlabForge {
    /// `GET /projects/:id/repository/tags/:tag_name`: `commit.id` is the commit, annotated tags
    /// peeled. "404 Tag Not Found" is `None`; any other 404 (the project) stays an error.
    pub(super) async fn peeled_tag(&self, tag: &str) -> ForgeResult<Option<String>> {
        if tag.is_empty() {
            return Ok(None);
        }
        let what = format!("reading the tag {tag} of {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!("/repository/tags/{}", encode(tag)));
        match self
            .http
            .json::<GlTag, ()>(call, Method::Get, &path, NO_BODY)
            .await
        {
            Ok(GlTag {
                commit: Some(commit),
            }) => Ok(Some(commit.id)),
            Ok(GlTag { commit: None }) => Err(ForgeError::Unexpected {
                retry_after: None,
                what,
                status: 200,
                body: "the tag names no commit".to_owned(),
            }),
            Err(e) if e.is_not_found_of("Tag") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /users?username=`, then `GET /groups/:id/members/all/:user_id` with the group's full
    /// path as id. Members inherited from parent groups and members of groups invited to it
    /// count (GitLab passes membership down, so members of only a subgroup do not); the user's
    /// account and the membership must be active (an `awaiting` membership is not). No such
    /// user, or "404 Not found" (not a member), is `false`; "404 Group Not Found" stays an error.
    pub(super) async fn active_group_member(&self, team: &str, login: &str) -> ForgeResult<bool> {
        let group = group_path(team)?;
        let Some(id) = self.user_id(login).await? else {
            return Ok(false);
        };
        let what = format!("reading the membership of {login} in the GitLab group {group}");
        let call = Call {
            what: &what,
            needs: REPORTER,
            on: Scope::Group,
            kind: Idempotent,
        };
        let path = format!("groups/{}/members/all/{id}", encode(group));
        match self
            .http
            .json::<GlGroupMember, ()>(call, Method::Get, &path, NO_BODY)
            .await
        {
            Ok(member) => Ok(member.is_active()),
            Err(ForgeError::NotFound { resource: None, .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
