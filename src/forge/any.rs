//! One forge chosen at run time: the binaries pick GitHub, GitLab or the local directory from
//! flags and CI, and hand the library one type.
use super::github::GithubForge;
use super::gitlab::GitlabForge;
use super::local::LocalForge;
use super::{
    CiCheck, Comment, Deployment, DeploymentPage, DeploymentQuery, DeploymentState, Forge,
    ForgeKind, ForgeResult, FreezePeriod, Issue, NewDeployment, NewIssue, Permission, Reaction,
};

/// GitHub, GitLab or the local forge.
pub enum AnyForge {
    /// GitHub.
    Github(Box<GithubForge>),
    /// GitLab.
    Gitlab(Box<GitlabForge>),
    /// A local directory.
    Local(LocalForge),
}

/// Calls the same method on whichever forge this is.
macro_rules! each {
    ($self:ident, $forge:ident => $call:expr) => {
        match $self {
            AnyForge::Github($forge) => $call,
            AnyForge::Gitlab($forge) => $call,
            AnyForge::Local($forge) => $call,
        }
    };
}

impl Forge for AnyForge {
    fn kind(&self) -> ForgeKind {
        each!(self, f => f.kind())
    }
    fn retry_policy(&self) -> crate::retry::RetryPolicy {
        each!(self, f => f.retry_policy())
    }
    async fn own_login(&self) -> ForgeResult<String> {
        each!(self, f => f.own_login().await)
    }
    async fn find_open_issues(&self, marker: &str) -> ForgeResult<Vec<Issue>> {
        each!(self, f => f.find_open_issues(marker).await)
    }
    async fn issue(&self, number: u64) -> ForgeResult<Issue> {
        each!(self, f => f.issue(number).await)
    }
    async fn create_issue(&self, new: &NewIssue) -> ForgeResult<Issue> {
        each!(self, f => f.create_issue(new).await)
    }
    async fn update_issue_body(&self, number: u64, body: &str) -> ForgeResult<Issue> {
        each!(self, f => f.update_issue_body(number, body).await)
    }
    async fn close_issue(&self, number: u64) -> ForgeResult<()> {
        each!(self, f => f.close_issue(number).await)
    }
    async fn comments(&self, number: u64) -> ForgeResult<Vec<Comment>> {
        each!(self, f => f.comments(number).await)
    }
    async fn create_comment(&self, number: u64, body: &str) -> ForgeResult<Comment> {
        each!(self, f => f.create_comment(number, body).await)
    }
    async fn change_comments(&self, number: u64) -> ForgeResult<Vec<Comment>> {
        each!(self, f => f.change_comments(number).await)
    }
    async fn comment_on_change(&self, number: u64, body: &str) -> ForgeResult<Comment> {
        each!(self, f => f.comment_on_change(number, body).await)
    }
    async fn edit_change_comment(
        &self,
        number: u64,
        comment_id: u64,
        body: &str,
    ) -> ForgeResult<Comment> {
        each!(self, f => f.edit_change_comment(number, comment_id, body).await)
    }
    async fn add_reaction(
        &self,
        number: u64,
        comment_id: u64,
        reaction: Reaction,
    ) -> ForgeResult<bool> {
        each!(self, f => f.add_reaction(number, comment_id, reaction).await)
    }
    async fn reactions_by(
        &self,
        number: u64,
        comment_id: u64,
        login: &str,
    ) -> ForgeResult<Vec<Reaction>> {
        each!(self, f => f.reactions_by(number, comment_id, login).await)
    }
    async fn permission(&self, login: &str) -> ForgeResult<Permission> {
        each!(self, f => f.permission(login).await)
    }
    async fn team_member(&self, team: &str, login: &str) -> ForgeResult<bool> {
        each!(self, f => f.team_member(team, login).await)
    }
    async fn tag_commit(&self, tag: &str) -> ForgeResult<Option<String>> {
        each!(self, f => f.tag_commit(tag).await)
    }
    async fn deployment_page(
        &self,
        query: &DeploymentQuery,
        cursor: Option<&str>,
    ) -> ForgeResult<DeploymentPage> {
        each!(self, f => f.deployment_page(query, cursor).await)
    }
    async fn with_state(&self, deployment: Deployment) -> ForgeResult<Deployment> {
        each!(self, f => f.with_state(deployment).await)
    }
    async fn commit_checks(&self, git_ref: &str, sha: &str) -> ForgeResult<Vec<CiCheck>> {
        each!(self, f => f.commit_checks(git_ref, sha).await)
    }
    async fn required_check_names(&self) -> ForgeResult<Option<Vec<String>>> {
        each!(self, f => f.required_check_names().await)
    }
    async fn create_deployment(&self, new: &NewDeployment) -> ForgeResult<Deployment> {
        each!(self, f => f.create_deployment(new).await)
    }
    async fn set_deployment_state(
        &self,
        deployment: &Deployment,
        state: DeploymentState,
        url: Option<&str>,
    ) -> ForgeResult<()> {
        each!(self, f => f.set_deployment_state(deployment, state, url).await)
    }
    async fn freeze_periods(&self) -> ForgeResult<Vec<FreezePeriod>> {
        each!(self, f => f.freeze_periods().await)
    }
    async fn start_pipeline(
        &self,
        workflow: &str,
        git_ref: &str,
        inputs: &[(String, String)],
    ) -> ForgeResult<()> {
        each!(self, f => f.start_pipeline(workflow, git_ref, inputs).await)
    }
}
