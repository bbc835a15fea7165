//! The forges shipgate talks to (GitHub, GitLab, a local directory) behind one trait.
//!
//! Every implementation retries transient failures itself (see [`crate::retry`]) and never repeats a
//! create blindly: callers create through [`create_once`], which looks the object up by its
//! marker before creating it again.
mod any;
mod create;
mod error;
pub mod github;
pub mod gitlab;
pub mod local;
pub mod model;
mod scan;
mod team;
mod transport;

pub use any::AnyForge;
pub use create::{comment_once, create_once};
pub use error::ForgeError;
pub use model::*;
pub use scan::scan;

/// Result of a forge call.
pub type ForgeResult<T> = Result<T, ForgeError>;

/// What shipgate needs from a forge. Issue numbers are the ones people see (GitLab `iid`).
#[allow(async_fn_in_trait)]
pub trait Forge {
    /// Which forge this is.
    fn kind(&self) -> ForgeKind;
    /// When and how often its calls are tried again; [`create_once`] follows it too.
    fn retry_policy(&self) -> crate::retry::RetryPolicy {
        crate::retry::RetryPolicy::default()
    }
    /// The login shipgate acts as: its own issues and comments are recognised by it.
    async fn own_login(&self) -> ForgeResult<String>;
    /// Open issues whose body contains `marker`, oldest first (every page).
    async fn find_open_issues(&self, marker: &str) -> ForgeResult<Vec<Issue>>;
    /// One issue.
    async fn issue(&self, number: u64) -> ForgeResult<Issue>;
    /// Open an issue.
    async fn create_issue(&self, new: &NewIssue) -> ForgeResult<Issue>;
    /// Replace an issue's body.
    async fn update_issue_body(&self, number: u64, body: &str) -> ForgeResult<Issue>;
    /// Close an issue.
    async fn close_issue(&self, number: u64) -> ForgeResult<()>;
    /// Every comment of an issue, oldest first (every page).
    async fn comments(&self, number: u64) -> ForgeResult<Vec<Comment>>;
    /// Comment on an issue.
    async fn create_comment(&self, number: u64, body: &str) -> ForgeResult<Comment>;
    /// Every comment of change request `number` (a GitHub pull request, a GitLab merge
    /// request's iid), oldest first (every page).
    async fn change_comments(&self, number: u64) -> ForgeResult<Vec<Comment>>;
    /// Comment on change request `number`.
    async fn comment_on_change(&self, number: u64, body: &str) -> ForgeResult<Comment>;
    /// Replace the body of comment `comment_id` on change request `number` (only its author
    /// may).
    async fn edit_change_comment(
        &self,
        number: u64,
        comment_id: u64,
        body: &str,
    ) -> ForgeResult<Comment>;
    /// React to a comment of issue `number` (idempotent: an existing reaction is kept); whether
    /// the reaction is new.
    async fn add_reaction(
        &self,
        number: u64,
        comment_id: u64,
        reaction: Reaction,
    ) -> ForgeResult<bool>;
    /// Reactions left on a comment by `login`.
    async fn reactions_by(
        &self,
        number: u64,
        comment_id: u64,
        login: &str,
    ) -> ForgeResult<Vec<Reaction>>;
    /// What `login` may do in the repository.
    async fn permission(&self, login: &str) -> ForgeResult<Permission>;
    /// Whether `login` is an active member of `team` (`org/team-slug`; members of child teams count).
    async fn team_member(&self, team: &str, login: &str) -> ForgeResult<bool>;
    /// One page of the deployments `query` selects, newest first: the first page when `cursor`
    /// is `None`, else the page a previous one named as `next`.
    async fn deployment_page(
        &self,
        query: &DeploymentQuery,
        cursor: Option<&str>,
    ) -> ForgeResult<DeploymentPage>;
    /// `deployment` with its latest state, where a listed deployment carries none (GitHub keeps
    /// states as statuses, one call per deployment); unchanged elsewhere.
    async fn with_state(&self, deployment: Deployment) -> ForgeResult<Deployment>;
    /// Deployments of `environment`, newest first (every page: prefer [`scan`] where the newest
    /// few decide).
    async fn deployments(&self, environment: &str) -> ForgeResult<Vec<Deployment>> {
        scan(self, &DeploymentQuery::environment(environment), |_| false).await
    }
    /// Deployments of the release tagged `git_ref`, in every environment, newest first.
    async fn release_deployments(&self, git_ref: &str) -> ForgeResult<Vec<Deployment>> {
        scan(self, &DeploymentQuery::release(git_ref), |_| false).await
    }
    /// The commit a release tag points at (annotated tags peeled); `None` when there is no such tag.
    async fn tag_commit(&self, tag: &str) -> ForgeResult<Option<String>>;
    /// Record a deployment.
    async fn create_deployment(&self, new: &NewDeployment) -> ForgeResult<Deployment>;
    /// Record a deployment's state; `url` links to the logs or the environment.
    async fn set_deployment_state(
        &self,
        deployment: &Deployment,
        state: DeploymentState,
        url: Option<&str>,
    ) -> ForgeResult<()>;
    /// The CI checks on `sha`, the commit the release tag `git_ref` points at (GitHub: the latest
    /// check run per name and the latest status per context; GitLab: the newest pipeline the tag
    /// push started).
    async fn commit_checks(&self, git_ref: &str, sha: &str) -> ForgeResult<Vec<CiCheck>>;
    /// The check names branch protection requires on the default branch (GitHub); `None` where
    /// the forge has no such list.
    async fn required_check_names(&self) -> ForgeResult<Option<Vec<String>>>;
    /// GitLab deploy freeze periods (empty elsewhere).
    async fn freeze_periods(&self) -> ForgeResult<Vec<FreezePeriod>>;
    /// Start the deploy pipeline at `git_ref` with `inputs` (GitHub: workflow_dispatch of
    /// `workflow`; GitLab: a pipeline with the inputs as variables). Never repeated after a
    /// failure the server may have acted on (not through [`create_once`]): a started run cannot
    /// be looked up reliably, and a second one would deploy twice.
    async fn start_pipeline(
        &self,
        workflow: &str,
        git_ref: &str,
        inputs: &[(String, String)],
    ) -> ForgeResult<()>;
}
