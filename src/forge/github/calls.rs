//! [`Forge`] for [`GithubForge`]: which endpoint each method calls.
use serde_json::json;

use super::wire::{
    GhBranch, GhCheckRuns, GhCombinedStatus, GhComment, GhDeployment, GhIssue, GhPermission,
    GhReaction, GhRepository, GhStatus, User, reaction_content, reaction_from, with_statuses,
};
use super::{ACTIONS_BOT, GithubForge, PER_PAGE};
use crate::forge::transport::{Call, Method, Scope, encode};
use crate::forge::{
    CiCheck, Comment, Deployment, DeploymentPage, DeploymentQuery, DeploymentState, Forge,
    ForgeError, ForgeKind, ForgeResult, FreezePeriod, Issue, NewDeployment, NewIssue, Permission,
    Reaction,
};
use crate::retry::CallKind::{self, Create, Idempotent};
use crate::retry::RetryPolicy;

pub(super) const NO_BODY: Option<&()> = None;

impl GithubForge {
    /// A call needing `needs` on the repository.
    pub(super) fn call<'a>(&self, what: &'a str, needs: &'a str, kind: CallKind) -> Call<'a> {
        Call {
            what,
            needs,
            on: Scope::Project,
            kind,
        }
    }
}

impl Forge for GithubForge {
    fn kind(&self) -> ForgeKind {
        ForgeKind::Github
    }

    fn retry_policy(&self) -> RetryPolicy {
        self.http.retry
    }

    /// The configured login, else `GET /user`, else (403, a workflow's `GITHUB_TOKEN`)
    /// `github-actions[bot]`. Remembered after the first answer.
    async fn own_login(&self) -> ForgeResult<String> {
        if let Some(login) = self.login.get() {
            return Ok(login.clone());
        }
        let call = self.call(
            "asking GitHub who the token belongs to",
            "a user token",
            Idempotent,
        );
        let login = match self
            .http
            .json::<User, ()>(call, Method::Get, "/user", NO_BODY)
            .await
        {
            Ok(user) => user.login,
            Err(ForgeError::Unauthorized { status: 403, .. }) => ACTIONS_BOT.to_owned(),
            Err(e) => return Err(e),
        };
        Ok(self.login.get_or_init(|| login).clone())
    }

    async fn find_open_issues(&self, marker: &str) -> ForgeResult<Vec<Issue>> {
        let what = format!("listing the open issues of {}", self.slug());
        let call = self.call(&what, "issues: read", Idempotent);
        let path = self.repo_path(&format!(
            "/issues?state=open&sort=created&direction=asc&per_page={PER_PAGE}"
        ));
        let items: Vec<GhIssue> = self.http.all(call, &path).await?;
        Ok(items
            .into_iter()
            .filter(|i| i.pull_request.is_none())
            .filter(|i| i.body.as_deref().is_some_and(|b| b.contains(marker)))
            .map(Issue::from)
            .collect())
    }

    async fn issue(&self, number: u64) -> ForgeResult<Issue> {
        let what = format!("reading issue #{number} of {}", self.slug());
        let call = self.call(&what, "issues: read", Idempotent);
        let path = self.repo_path(&format!("/issues/{number}"));
        let issue: GhIssue = self.http.json(call, Method::Get, &path, NO_BODY).await?;
        Ok(issue.into())
    }

    async fn create_issue(&self, new: &NewIssue) -> ForgeResult<Issue> {
        let what = format!("opening the issue `{}` in {}", new.title, self.slug());
        let call = self.call(&what, "issues: write", Create);
        let body = json!({
            "title": new.title,
            "body": new.body,
            "labels": new.labels,
            "assignees": new.assignees,
        });
        let path = self.repo_path("/issues");
        let issue: GhIssue = self
            .http
            .json(call, Method::Post, &path, Some(&body))
            .await?;
        Ok(issue.into())
    }

    async fn update_issue_body(&self, number: u64, body: &str) -> ForgeResult<Issue> {
        let what = format!("updating issue #{number} of {}", self.slug());
        let call = self.call(&what, "issues: write", Idempotent);
        let path = self.repo_path(&format!("/issues/{number}"));
        let patch = json!({ "body": body });
        let issue: GhIssue = self
            .http
            .json(call, Method::Patch, &path, Some(&patch))
            .await?;
        Ok(issue.into())
    }

    async fn close_issue(&self, number: u64) -> ForgeResult<()> {
        let what = format!("closing issue #{number} of {}", self.slug());
        let call = self.call(&what, "issues: write", Idempotent);
        let path = self.repo_path(&format!("/issues/{number}"));
        let patch = json!({ "state": "closed", "state_reason": "completed" });
        self.http
            .send(call, Method::Patch, &path, Some(&patch))
            .await?;
        Ok(())
    }

    async fn comments(&self, number: u64) -> ForgeResult<Vec<Comment>> {
        self.thread_comments(&format!("issue #{number}"), number, "issues: read")
            .await
    }

    async fn create_comment(&self, number: u64, body: &str) -> ForgeResult<Comment> {
        self.comment_on_thread(&format!("issue #{number}"), number, body, "issues: write")
            .await
    }

    /// A pull request's conversation comments are its issue comments.
    async fn change_comments(&self, number: u64) -> ForgeResult<Vec<Comment>> {
        let thread = format!("pull request #{number}");
        self.thread_comments(&thread, number, "pull-requests: read")
            .await
    }

    async fn comment_on_change(&self, number: u64, body: &str) -> ForgeResult<Comment> {
        let thread = format!("pull request #{number}");
        self.comment_on_thread(&thread, number, body, "pull-requests: write")
            .await
    }

    /// `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}`.
    async fn edit_change_comment(
        &self,
        number: u64,
        comment_id: u64,
        body: &str,
    ) -> ForgeResult<Comment> {
        let what = format!(
            "editing comment {comment_id} on pull request #{number} of {}",
            self.slug()
        );
        let call = self.call(&what, "pull-requests: write", Idempotent);
        let path = self.repo_path(&format!("/issues/comments/{comment_id}"));
        let comment: GhComment = self
            .http
            .json(call, Method::Patch, &path, Some(&json!({ "body": body })))
            .await?;
        Ok(comment.into())
    }

    /// GitHub answers 200 with the existing reaction when it is there already: idempotent.
    async fn add_reaction(
        &self,
        number: u64,
        comment_id: u64,
        reaction: Reaction,
    ) -> ForgeResult<bool> {
        let what = format!(
            "reacting to comment {comment_id} on issue #{number} of {}",
            self.slug()
        );
        let call = self.call(&what, "issues: write", Idempotent);
        let path = self.repo_path(&format!("/issues/comments/{comment_id}/reactions"));
        let body = json!({ "content": reaction_content(reaction) });
        let answer = self
            .http
            .send(call, Method::Post, &path, Some(&body))
            .await?;
        // 201 "Reaction created", 200 "Reaction exists" (POST
        // /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions).
        Ok(answer.status == 201)
    }

    async fn reactions_by(
        &self,
        number: u64,
        comment_id: u64,
        login: &str,
    ) -> ForgeResult<Vec<Reaction>> {
        let what = format!(
            "listing the reactions to comment {comment_id} on issue #{number} of {}",
            self.slug()
        );
        let call = self.call(&what, "issues: read", Idempotent);
        let path = self.repo_path(&format!(
            "/issues/comments/{comment_id}/reactions?per_page={PER_PAGE}"
        ));
        let items: Vec<GhReaction> = self.http.all(call, &path).await?;
        Ok(items
            .into_iter()
            .filter(|r| {
                r.user
                    .as_ref()
                    .is_some_and(|u| u.login.eq_ignore_ascii_case(login))
            })
            .filter_map(|r| reaction_from(&r.content))
            .collect())
    }

    async fn permission(&self, login: &str) -> ForgeResult<Permission> {
        let what = format!("reading the permission of {login} on {}", self.slug());
        let call = self.call(&what, "metadata: read", Idempotent);
        let path = self.repo_path(&format!("/collaborators/{}/permission", encode(login)));
        let answer: GhPermission = self.http.json(call, Method::Get, &path, NO_BODY).await?;
        Ok(answer.level())
    }

    /// `GET /orgs/{org}/teams/{slug}/memberships/{login}`; only `active` counts, and 404 (not a
    /// member, or a team the token cannot see) is `false`. Needs a token that may read the
    /// organization's members: a workflow's `GITHUB_TOKEN` cannot.
    async fn team_member(&self, team: &str, login: &str) -> ForgeResult<bool> {
        self.active_team_member(team, login).await
    }

    /// The deployments (newest first, every page), then each one's statuses (first page,
    /// newest first): the latest status that is not `inactive` gives the state.
    /// `GET /repos/{o}/{r}/deployments` filtered by `environment`, `ref` and `sha`, newest
    /// first (as GitHub lists them), one page; states come from [`Forge::with_state`].
    async fn deployment_page(
        &self,
        query: &DeploymentQuery,
        cursor: Option<&str>,
    ) -> ForgeResult<DeploymentPage> {
        let what = format!("listing the deployments of {}", self.slug());
        let call = self.call(&what, "deployments: read", Idempotent);
        let path = match cursor {
            Some(next) => next.to_owned(),
            None => {
                let mut filters = String::new();
                for (key, value) in [
                    ("environment", &query.environment),
                    ("ref", &query.git_ref),
                    ("sha", &query.sha),
                ] {
                    if let Some(value) = value {
                        filters.push_str(&format!("{key}={}&", encode(value)));
                    }
                }
                self.repo_path(&format!("/deployments?{filters}per_page={PER_PAGE}"))
            }
        };
        let answer = self.http.send(call, Method::Get, &path, NO_BODY).await?;
        let items: Vec<GhDeployment> = crate::forge::transport::parse(&what, &answer.body)?;
        Ok(DeploymentPage {
            items: items.into_iter().map(|d| d.into_model(&[])).collect(),
            next: answer.next,
        })
    }

    /// `GET /repos/{o}/{r}/deployments/{id}/statuses` (newest first): the latest state.
    async fn with_state(&self, deployment: Deployment) -> ForgeResult<Deployment> {
        let what = format!(
            "reading the statuses of deployment {} of {}",
            deployment.id,
            self.slug()
        );
        let call = self.call(&what, "deployments: read", Idempotent);
        let path = self.repo_path(&format!(
            "/deployments/{}/statuses?per_page={PER_PAGE}",
            deployment.id
        ));
        let statuses: Vec<GhStatus> = self.http.json(call, Method::Get, &path, NO_BODY).await?;
        Ok(with_statuses(deployment, &statuses))
    }

    /// `GET /repos/{o}/{r}/git/ref/tags/{tag}`, then its annotated tag objects
    /// (`GET …/git/tags/{sha}`) down to the commit; 404 is `None`.
    async fn tag_commit(&self, tag: &str) -> ForgeResult<Option<String>> {
        self.peeled_tag(tag).await
    }

    /// `ci_run` and the commit go in the payload; no merge, no required contexts.
    async fn create_deployment(&self, new: &NewDeployment) -> ForgeResult<Deployment> {
        let what = format!(
            "recording a {} deployment of {} in {}",
            new.environment,
            new.git_ref,
            self.slug()
        );
        let call = self.call(&what, "deployments: write", Create);
        let body = json!({
            "ref": new.git_ref,
            "environment": new.environment,
            "description": new.description,
            "auto_merge": false,
            "required_contexts": [],
            "payload": { "ci_run": new.ci_run, "sha": new.sha },
        });
        let path = self.repo_path("/deployments");
        let answer = self
            .http
            .send(call, Method::Post, &path, Some(&body))
            .await?;
        // 202 (a merge of the default branch happened instead) carries no deployment.
        if answer.status == 202 {
            return Err(self.http.refused(call, 202, &answer.body));
        }
        let created: GhDeployment = crate::forge::transport::parse(&what, &answer.body)?;
        Ok(created.into_model(&[]))
    }

    /// A success links the environment (`environment_url`), any other state the logs (`log_url`).
    async fn set_deployment_state(
        &self,
        deployment: &Deployment,
        state: DeploymentState,
        url: Option<&str>,
    ) -> ForgeResult<()> {
        let what = format!(
            "setting deployment {} of {} to {state}",
            deployment.id,
            self.slug()
        );
        // A repeated status changes nothing that matters: retried like a read.
        let call = self.call(&what, "deployments: write", Idempotent);
        let mut body = json!({ "state": state.to_string() });
        if let Some(url) = url {
            let key = if state == DeploymentState::Success {
                "environment_url"
            } else {
                "log_url"
            };
            body[key] = json!(url);
        }
        let path = self.repo_path(&format!("/deployments/{}/statuses", deployment.id));
        self.http
            .send(call, Method::Post, &path, Some(&body))
            .await?;
        Ok(())
    }

    async fn freeze_periods(&self) -> ForgeResult<Vec<FreezePeriod>> {
        Ok(Vec::new())
    }

    /// `GET …/commits/{sha}/check-runs?filter=latest` (every page) and `GET
    /// …/commits/{sha}/status` (the latest status per context).
    async fn commit_checks(&self, _git_ref: &str, sha: &str) -> ForgeResult<Vec<CiCheck>> {
        let what = format!("reading the check runs of {sha} in {}", self.slug());
        let call = self.call(&what, "checks: read", Idempotent);
        let path = self.repo_path(&format!(
            "/commits/{sha}/check-runs?filter=latest&per_page={PER_PAGE}"
        ));
        let pages: Vec<GhCheckRuns> = self.http.pages(call, &path).await?;
        let mut checks: Vec<CiCheck> = pages
            .into_iter()
            .flat_map(|p| p.check_runs)
            .map(CiCheck::from)
            .collect();
        let what = format!("reading the commit statuses of {sha} in {}", self.slug());
        let call = self.call(&what, "statuses: read", Idempotent);
        let path = self.repo_path(&format!("/commits/{sha}/status?per_page={PER_PAGE}"));
        let combined: GhCombinedStatus = self.http.json(call, Method::Get, &path, NO_BODY).await?;
        checks.extend(combined.statuses.into_iter().map(CiCheck::from));
        Ok(checks)
    }

    /// `GET /repos/{o}/{r}` for the default branch, then `GET …/branches/{branch}`'s
    /// `protection.required_status_checks` (contexts and checks).
    async fn required_check_names(&self) -> ForgeResult<Option<Vec<String>>> {
        let what = format!("reading the default branch of {}", self.slug());
        let call = self.call(&what, "contents: read", Idempotent);
        let repo: GhRepository = self
            .http
            .json(call, Method::Get, &self.repo_path(""), NO_BODY)
            .await?;
        let what = format!(
            "reading the protection of {} in {}",
            repo.default_branch,
            self.slug()
        );
        let call = self.call(&what, "contents: read", Idempotent);
        let path = self.repo_path(&format!("/branches/{}", encode(&repo.default_branch)));
        let branch: GhBranch = self.http.json(call, Method::Get, &path, NO_BODY).await?;
        Ok(Some(branch.required_check_names()))
    }

    /// `workflow_dispatch` (204); never repeated after a 5xx or a time-out, which may have
    /// started the run.
    async fn start_pipeline(
        &self,
        workflow: &str,
        git_ref: &str,
        inputs: &[(String, String)],
    ) -> ForgeResult<()> {
        let what = format!(
            "starting workflow {workflow} at {git_ref} in {}",
            self.slug()
        );
        let call = self.call(&what, "actions: write", Create);
        let inputs: serde_json::Map<String, serde_json::Value> =
            inputs.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        let body = json!({ "ref": git_ref, "inputs": inputs });
        let path = self.repo_path(&format!(
            "/actions/workflows/{}/dispatches",
            encode(workflow)
        ));
        self.http
            .send(call, Method::Post, &path, Some(&body))
            .await?;
        Ok(())
    }
}

impl GithubForge {
    /// The comments of issue or pull request `number` (`thread` names it in messages): one
    /// endpoint serves both.
    async fn thread_comments(
        &self,
        thread: &str,
        number: u64,
        permission: &'static str,
    ) -> ForgeResult<Vec<Comment>> {
        let what = format!("listing the comments of {thread} of {}", self.slug());
        let call = self.call(&what, permission, Idempotent);
        let path = self.repo_path(&format!("/issues/{number}/comments?per_page={PER_PAGE}"));
        let items: Vec<GhComment> = self.http.all(call, &path).await?;
        Ok(items.into_iter().map(Comment::from).collect())
    }

    /// Comment `body` on issue or pull request `number`.
    async fn comment_on_thread(
        &self,
        thread: &str,
        number: u64,
        body: &str,
        permission: &'static str,
    ) -> ForgeResult<Comment> {
        let what = format!("commenting on {thread} of {}", self.slug());
        let call = self.call(&what, permission, Create);
        let path = self.repo_path(&format!("/issues/{number}/comments"));
        let comment: GhComment = self
            .http
            .json(call, Method::Post, &path, Some(&json!({ "body": body })))
            .await?;
        Ok(comment.into())
    }
}
