//! [`Forge`] for [`GitlabForge`]: which endpoint each method calls (paths relative to `/api/v4/`).
use serde_json::json;

use super::wire::{
    GlAward, GlDeployment, GlFreeze, GlIssue, GlMember, GlNote, GlPipeline, User, emoji_name,
    permission_for, reaction_from, status_for,
};
use super::{GitlabForge, PER_PAGE};
use crate::forge::transport::{Call, Method, Scope, encode};
use crate::forge::{
    CiCheck, Comment, Deployment, DeploymentPage, DeploymentQuery, DeploymentState, Forge,
    ForgeError, ForgeKind, ForgeResult, FreezePeriod, Issue, NewDeployment, NewIssue, Permission,
    Reaction,
};
use crate::retry::CallKind::{self, Create, Idempotent};
use crate::retry::RetryPolicy;

pub(super) const NO_BODY: Option<&()> = None;

/// Roles (each includes the `api` scope) the calls need.
pub(super) const REPORTER: &str = "Reporter";
const DEVELOPER: &str = "Developer";

impl GitlabForge {
    /// A call needing `role` on the project.
    pub(super) fn call<'a>(&self, what: &'a str, role: &'a str, kind: CallKind) -> Call<'a> {
        Call {
            what,
            needs: role,
            on: Scope::Project,
            kind,
        }
    }

    /// The id of the user named `username`, if there is one (`GET /users?username=`).
    pub(super) async fn user_id(&self, username: &str) -> ForgeResult<Option<u64>> {
        let known = self.known_user_id(username);
        if known.is_some() {
            return Ok(known);
        }
        let what = format!("looking up the GitLab user {username}");
        let call = self.call(&what, REPORTER, Idempotent);
        let path = format!("users?username={}", encode(username));
        let users: Vec<User> = self.http.json(call, Method::Get, &path, NO_BODY).await?;
        Ok(users
            .into_iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
            .map(|u| u.id))
    }

    /// The id of `username` as a note listed before named its author.
    fn known_user_id(&self, username: &str) -> Option<u64> {
        let ids = self.user_ids.lock().unwrap_or_else(|e| e.into_inner());
        ids.get(&username.to_lowercase()).copied()
    }

    /// Remembers the authors of `notes` (id 0: an author GitLab did not describe).
    fn remember_authors(&self, notes: &[GlNote]) {
        let mut ids = self.user_ids.lock().unwrap_or_else(|e| e.into_inner());
        for author in notes.iter().filter_map(|n| n.author.as_ref()) {
            if author.id != 0 {
                ids.insert(author.username.to_lowercase(), author.id);
            }
        }
    }
}

impl Forge for GitlabForge {
    fn kind(&self) -> ForgeKind {
        ForgeKind::Gitlab
    }

    fn retry_policy(&self) -> RetryPolicy {
        self.http.retry
    }

    /// The configured login, else `GET /user`'s `username`; remembered after the first answer.
    async fn own_login(&self) -> ForgeResult<String> {
        if let Some(login) = self.login.get() {
            return Ok(login.clone());
        }
        let call = self.call("asking GitLab who the token belongs to", "any", Idempotent);
        let user: User = self.http.json(call, Method::Get, "user", NO_BODY).await?;
        Ok(self.login.get_or_init(|| user.username).clone())
    }

    /// `GET /projects/:id/issues?state=opened` oldest first, every page; the description must
    /// hold `marker`.
    async fn find_open_issues(&self, marker: &str) -> ForgeResult<Vec<Issue>> {
        let what = format!("listing the open issues of {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!(
            "/issues?state=opened&order_by=created_at&sort=asc&per_page={PER_PAGE}"
        ));
        let items: Vec<GlIssue> = self.http.all(call, &path).await?;
        Ok(items
            .into_iter()
            .filter(|i| i.description.as_deref().is_some_and(|b| b.contains(marker)))
            .map(Issue::from)
            .collect())
    }

    async fn issue(&self, number: u64) -> ForgeResult<Issue> {
        let what = format!("reading issue #{number} of {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!("/issues/{number}"));
        let issue: GlIssue = self.http.json(call, Method::Get, &path, NO_BODY).await?;
        Ok(issue.into())
    }

    /// Assignees are looked up by username first (one `GET /users` each); unknown ones are
    /// skipped. Then one `POST /projects/:id/issues`.
    async fn create_issue(&self, new: &NewIssue) -> ForgeResult<Issue> {
        let mut assignee_ids = Vec::new();
        for login in &new.assignees {
            match self.user_id(login).await? {
                Some(id) => assignee_ids.push(id),
                None => tracing::warn!("no GitLab user {login}: not assigned"),
            }
        }
        let what = format!("opening the issue `{}` in {}", new.title, self.project);
        let call = self.call(&what, REPORTER, Create);
        let mut body = json!({
            "title": new.title,
            "description": new.body,
            "labels": new.labels.join(","),
        });
        if !assignee_ids.is_empty() {
            body["assignee_ids"] = json!(assignee_ids);
        }
        let path = self.project_path("/issues");
        let issue: GlIssue = self
            .http
            .json(call, Method::Post, &path, Some(&body))
            .await?;
        Ok(issue.into())
    }

    async fn update_issue_body(&self, number: u64, body: &str) -> ForgeResult<Issue> {
        let what = format!("updating issue #{number} of {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!("/issues/{number}"));
        let put = json!({ "description": body });
        let issue: GlIssue = self.http.json(call, Method::Put, &path, Some(&put)).await?;
        Ok(issue.into())
    }

    async fn close_issue(&self, number: u64) -> ForgeResult<()> {
        let what = format!("closing issue #{number} of {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!("/issues/{number}"));
        let put = json!({ "state_event": "close" });
        self.http.send(call, Method::Put, &path, Some(&put)).await?;
        Ok(())
    }

    /// Every note, oldest first, system notes included (marked `system`).
    async fn comments(&self, number: u64) -> ForgeResult<Vec<Comment>> {
        let what = format!("listing the notes of issue #{number} of {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!(
            "/issues/{number}/notes?order_by=created_at&sort=asc&per_page={PER_PAGE}"
        ));
        let items: Vec<GlNote> = self.http.all(call, &path).await?;
        self.remember_authors(&items);
        Ok(items.into_iter().map(Comment::from).collect())
    }

    async fn create_comment(&self, number: u64, body: &str) -> ForgeResult<Comment> {
        let what = format!("commenting on issue #{number} of {}", self.project);
        let call = self.call(&what, REPORTER, Create);
        let path = self.project_path(&format!("/issues/{number}/notes"));
        let note: GlNote = self
            .http
            .json(call, Method::Post, &path, Some(&json!({ "body": body })))
            .await?;
        Ok(note.into())
    }

    /// Every note of merge request `number` (its iid), oldest first, system notes included.
    async fn change_comments(&self, number: u64) -> ForgeResult<Vec<Comment>> {
        let what = format!(
            "listing the notes of merge request !{number} of {}",
            self.project
        );
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!(
            "/merge_requests/{number}/notes?order_by=created_at&sort=asc&per_page={PER_PAGE}"
        ));
        let items: Vec<GlNote> = self.http.all(call, &path).await?;
        self.remember_authors(&items);
        Ok(items.into_iter().map(Comment::from).collect())
    }

    async fn comment_on_change(&self, number: u64, body: &str) -> ForgeResult<Comment> {
        let what = format!("commenting on merge request !{number} of {}", self.project);
        let call = self.call(&what, REPORTER, Create);
        let path = self.project_path(&format!("/merge_requests/{number}/notes"));
        let note: GlNote = self
            .http
            .json(call, Method::Post, &path, Some(&json!({ "body": body })))
            .await?;
        Ok(note.into())
    }

    /// `PUT /projects/:id/merge_requests/:iid/notes/:note_id`: only the note's author may.
    async fn edit_change_comment(
        &self,
        number: u64,
        comment_id: u64,
        body: &str,
    ) -> ForgeResult<Comment> {
        let what = format!(
            "editing note {comment_id} on merge request !{number} of {}",
            self.project
        );
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!("/merge_requests/{number}/notes/{comment_id}"));
        let note: GlNote = self
            .http
            .json(call, Method::Put, &path, Some(&json!({ "body": body })))
            .await?;
        Ok(note.into())
    }

    /// One `POST …/notes/:note_id/award_emoji`. GitLab refuses a second award of the same
    /// emoji by the same user (404 "has already been taken"): that counts as done, which also
    /// makes the call safe to repeat.
    async fn add_reaction(
        &self,
        number: u64,
        comment_id: u64,
        reaction: Reaction,
    ) -> ForgeResult<bool> {
        let what = format!(
            "reacting to note {comment_id} on issue #{number} of {}",
            self.project
        );
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!("/issues/{number}/notes/{comment_id}/award_emoji"));
        let body = json!({ "name": emoji_name(reaction) });
        // An emoji the user already awarded is refused with 404 "Award Emoji … has already
        // been taken" (lib/api/award_emoji.rb).
        match self.http.send(call, Method::Post, &path, Some(&body)).await {
            Ok(_) => Ok(true),
            Err(ForgeError::NotFound {
                resource: Some(resource),
                ..
            }) if resource.contains("already been taken") => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn reactions_by(
        &self,
        number: u64,
        comment_id: u64,
        login: &str,
    ) -> ForgeResult<Vec<Reaction>> {
        let what = format!(
            "listing the award emoji of note {comment_id} on issue #{number} of {}",
            self.project
        );
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!(
            "/issues/{number}/notes/{comment_id}/award_emoji?per_page={PER_PAGE}"
        ));
        let items: Vec<GlAward> = self.http.all(call, &path).await?;
        Ok(items
            .into_iter()
            .filter(|a| {
                a.user
                    .as_ref()
                    .is_some_and(|u| u.username.eq_ignore_ascii_case(login))
            })
            .filter_map(|a| reaction_from(&a.name))
            .collect())
    }

    /// `GET /users?username=`, then `GET /projects/:id/members/all/:user_id` (inherited
    /// membership included); no such user, or not a member (404), is `None`.
    async fn permission(&self, login: &str) -> ForgeResult<Permission> {
        let Some(id) = self.user_id(login).await? else {
            return Ok(Permission::None);
        };
        let what = format!("reading the access level of {login} on {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!("/members/all/{id}"));
        match self
            .http
            .json::<GlMember, ()>(call, Method::Get, &path, NO_BODY)
            .await
        {
            Ok(member) => Ok(permission_for(member.access_level)),
            // GitLab says "404 Project Not Found" for the project, "404 Not found" for a member.
            Err(e @ ForgeError::NotFound { .. }) if !e.is_not_found_of("Project") => {
                Ok(Permission::None)
            }
            Err(e) => Err(e),
        }
    }

    /// `org/team-slug` is a group's full path (subgroups allowed): `GET /users?username=`, then
    /// `GET /groups/:id/members/all/:user_id`. Inherited members (from parent groups) count;
    /// members of only a child group do not, as GitLab passes membership downwards. Not a member
    /// is `false`; a group the token cannot see is an error (Reporter on the group).
    async fn team_member(&self, team: &str, login: &str) -> ForgeResult<bool> {
        self.active_group_member(team, login).await
    }

    /// `GET /projects/:id/deployments?environment=…&order_by=id&sort=desc`, every page.
    /// `GET /projects/:id/deployments?order_by=id&sort=desc`, one page, filtered by
    /// `environment` (lib/api/deployments.rb has no `ref` or `sha` filter: those are applied
    /// here, so a page may hold fewer than it read). States come with the list.
    async fn deployment_page(
        &self,
        query: &DeploymentQuery,
        cursor: Option<&str>,
    ) -> ForgeResult<DeploymentPage> {
        let what = format!("listing the deployments of {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = match cursor {
            Some(next) => next.to_owned(),
            None => {
                let environment = query
                    .environment
                    .as_deref()
                    .map(|e| format!("environment={}&", encode(e)))
                    .unwrap_or_default();
                self.project_path(&format!(
                    "/deployments?{environment}order_by=id&sort=desc&per_page={PER_PAGE}"
                ))
            }
        };
        let answer = self.http.send(call, Method::Get, &path, NO_BODY).await?;
        let items: Vec<GlDeployment> = crate::forge::transport::parse(&what, &answer.body)?;
        Ok(DeploymentPage {
            items: items
                .into_iter()
                .map(Deployment::from)
                .filter(|d| query.matches(d))
                .collect(),
            next: answer.next,
        })
    }

    /// GitLab lists a deployment with its status.
    async fn with_state(&self, deployment: Deployment) -> ForgeResult<Deployment> {
        Ok(deployment)
    }

    /// `GET /projects/:id/repository/tags/:tag_name`'s `commit.id`; "404 Tag Not Found" is `None`.
    async fn tag_commit(&self, tag: &str) -> ForgeResult<Option<String>> {
        self.peeled_tag(tag).await
    }

    /// `POST /projects/:id/deployments` with `tag: true` and `status: running`: the route takes
    /// only `running`, `success`, `failed` or `canceled` (not `created`), and a job recording
    /// its deployment is running it. GitLab keeps no payload or description: `ci_run` reads back
    /// from the deployable job's pipeline, which an API-made deployment does not have (see
    /// [`Deployment::ci_run`]).
    async fn create_deployment(&self, new: &NewDeployment) -> ForgeResult<Deployment> {
        let what = format!(
            "recording a {} deployment of {} in {}",
            new.environment, new.git_ref, self.project
        );
        let call = self.call(&what, DEVELOPER, Create);
        let body = json!({
            "environment": new.environment,
            "ref": new.git_ref,
            "sha": new.sha,
            "tag": true,
            "status": "running",
        });
        let path = self.project_path("/deployments");
        let d: GlDeployment = self
            .http
            .json(call, Method::Post, &path, Some(&body))
            .await?;
        Ok(d.into())
    }

    /// `PUT /projects/:id/deployments/:id` with `status` (running, success, failed). Queued
    /// sends nothing (GitLab takes no `created` update);
    /// `url` is not kept (GitLab's update has no link: the state's link is the job's log).
    async fn set_deployment_state(
        &self,
        deployment: &Deployment,
        state: DeploymentState,
        _url: Option<&str>,
    ) -> ForgeResult<()> {
        let Some(status) = status_for(state) else {
            return Ok(());
        };
        // GitLab refuses to update the deployment of a CI job ("Deployments created using GitLab
        // CI can not be updated using the API", `PUT /projects/:id/deployments/:deployment_id`
        // in lib/api/deployments.rb); it sets that one itself when the job ends.
        if deployment.ci_job.is_some() {
            tracing::debug!(
                deployment = deployment.id,
                "the job's own deployment: GitLab records its state when the job ends"
            );
            return Ok(());
        }
        let what = format!(
            "setting deployment {} of {} to {state}",
            deployment.id, self.project
        );
        let call = self.call(&what, DEVELOPER, Idempotent);
        let path = self.project_path(&format!("/deployments/{}", deployment.id));
        self.http
            .send(call, Method::Put, &path, Some(&json!({ "status": status })))
            .await?;
        Ok(())
    }

    /// `GET /projects/:id/pipelines?ref=&sha=&source=push`, newest first: the pipeline the tag
    /// push started (not the ones shipgate starts to deploy it).
    async fn commit_checks(&self, git_ref: &str, sha: &str) -> ForgeResult<Vec<CiCheck>> {
        let what = format!("reading the pipelines of {git_ref} in {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!(
            "/pipelines?ref={}&sha={}&source=push&order_by=id&sort=desc&per_page=1",
            encode(git_ref),
            encode(sha)
        ));
        let pipelines: Vec<GlPipeline> = self.http.json(call, Method::Get, &path, NO_BODY).await?;
        Ok(pipelines.into_iter().take(1).map(CiCheck::from).collect())
    }

    /// GitLab has no per-check requirement: the tag pipeline decides.
    async fn required_check_names(&self) -> ForgeResult<Option<Vec<String>>> {
        Ok(None)
    }

    /// `GET /projects/:id/freeze_periods`, every page.
    async fn freeze_periods(&self) -> ForgeResult<Vec<FreezePeriod>> {
        let what = format!("listing the deploy freeze periods of {}", self.project);
        let call = self.call(&what, REPORTER, Idempotent);
        let path = self.project_path(&format!("/freeze_periods?per_page={PER_PAGE}"));
        let items: Vec<GlFreeze> = self.http.all(call, &path).await?;
        Ok(items.into_iter().map(FreezePeriod::from).collect())
    }

    /// `POST /projects/:id/pipeline` at `git_ref` with `inputs` as variables (`workflow` is
    /// GitHub's; GitLab runs the project's `.gitlab-ci.yml`). Never repeated after a 5xx or a
    /// time-out, which may have started the pipeline.
    async fn start_pipeline(
        &self,
        _workflow: &str,
        git_ref: &str,
        inputs: &[(String, String)],
    ) -> ForgeResult<()> {
        let what = format!("starting a pipeline at {git_ref} in {}", self.project);
        let call = self.call(&what, DEVELOPER, Create);
        let variables: Vec<_> = inputs
            .iter()
            .map(|(k, v)| json!({ "key": k, "value": v, "variable_type": "env_var" }))
            .collect();
        let body = json!({ "ref": git_ref, "variables": variables });
        let path = self.project_path("/pipeline");
        let answer = self
            .http
            .send(call, Method::Post, &path, Some(&body))
            .await?;
        let id = serde_json::from_str::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("id").and_then(serde_json::Value::as_u64));
        tracing::info!(?id, git_ref, "pipeline started");
        Ok(())
    }
}
