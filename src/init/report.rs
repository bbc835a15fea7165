//! What a run tells: what it found, the files it wrote (or would write), and what is left to do.
use serde_json::{Value, json};

use super::InitOutcome;
use super::ci::TEMPLATE_REF;
use super::detect::{Forge, ForgeSource};
use super::files::Action;
use crate::schema::report::framework_name;

const GITHUB_NEXT: &str = "\
Next:
  1. Write the hooks deploy.yml runs: deploy/build.sh, deploy/migrate.sh ENV (it reads
     $MIGRATIONS), deploy/deploy.sh ENV and deploy/verify.sh ENV, or replace those steps.
  2. Add a secret RELEASE_TOKEN (contents: write) and the environments stage and production in
     the repository's settings; see the README's Hardening for SHIPGATE_SIGNING_KEY.
  3. Commit and push, then merge a feat: commit: release.yml tags it, deploy.yml deploys stage
     and opens the deployment issue; comment /promote production there.
";

const GITLAB_NEXT: &str = "\
Next:
  1. Write the hooks the .deploy and .migrate jobs run: deploy/deploy.sh ENV and
     deploy/migrate.sh ENV MIGRATIONS, or replace their scripts.
  2. Add a masked CI/CD variable GITLAB_TOKEN (a project access token with the api and
     write_repository scopes) and a pipeline schedule every 5 minutes (shipgate-promote poll).
  3. Commit and push, then merge a feat: commit: the release is tagged, stage deployed and the
     deployment issue opened; comment /promote production there.
";

impl InitOutcome {
    /// The report for people; a dry run shows every file's text.
    pub fn text(&self) -> String {
        let d = &self.detected;
        let mut out = String::new();
        if self.dry_run {
            out.push_str("Dry run: nothing was written.\n");
        }
        let from = match &d.source {
            ForgeSource::Flag => "--forge".to_owned(),
            ForgeSource::Remote(url) => format!("remote origin {url}"),
        };
        out.push_str(&format!("forge: {} ({from})\n", d.forge.name()));
        let manifests: Vec<String> = (d.manifests.iter())
            .map(|m| format!("{} {}", m.path.display(), m.version))
            .collect();
        out.push_str(&format!("manifests: {}\n", list(&manifests)));
        let folders: Vec<String> = (d.migrations.folders.iter())
            .map(|f| format!("{} ({})", f.path.display(), framework_name(f.framework)))
            .collect();
        out.push_str(&format!("migrations: {}\n", list(&folders)));
        for file in &self.plan.files {
            let done = match (file.action, self.dry_run) {
                (Action::Create, false) => "created",
                (Action::Overwrite, false) => "overwrote",
                (Action::Append, false) => "appended to",
                (Action::Create, true) => "would create",
                (Action::Overwrite, true) => "would overwrite",
                (Action::Append, true) => "would append to",
                (Action::Unchanged, _) => "unchanged",
            };
            out.push_str(&format!("{done} {}\n", file.path.display()));
        }
        out.push_str(&format!("The starter CI runs shipgate {TEMPLATE_REF}.\n"));
        match &d.branch {
            Some(branch) if d.forge == Forge::Github && branch != "main" => out.push_str(&format!(
                "release.yml releases what is pushed to main: if {branch} is your default \
                 branch, write it in its branches: [main].\n"
            )),
            _ => {}
        }
        out.push_str(match d.forge {
            Forge::Github => GITHUB_NEXT,
            Forge::Gitlab => GITLAB_NEXT,
        });
        let shown = self
            .plan
            .files
            .iter()
            .filter(|f| f.action != Action::Unchanged);
        for file in shown.filter(|_| self.dry_run) {
            out.push_str(&format!("\n==> {} <==\n{}", file.path.display(), file.text));
            if !file.text.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }

    /// The JSON report (`schemas/init-output.schema.json`).
    pub fn json(&self) -> Value {
        let d = &self.detected;
        let remote = match &d.source {
            ForgeSource::Flag => None,
            ForgeSource::Remote(url) => Some(url.clone()),
        };
        let files: Vec<Value> = (self.plan.files.iter())
            .map(|f| {
                let mut file = json!({
                    "path": f.path.to_string_lossy(),
                    "action": f.action.name(),
                    "written": !self.dry_run && f.action != Action::Unchanged,
                });
                if self.dry_run && f.action != Action::Unchanged {
                    file["text"] = json!(f.text);
                }
                file
            })
            .collect();
        json!({
            "dry_run": self.dry_run,
            "forge": d.forge.name(),
            "forge_from": if remote.is_some() { "remote" } else { "flag" },
            "remote": remote,
            "manifests": d.manifests.iter().map(|m| json!({
                "path": m.path.to_string_lossy(),
                "version": m.version,
            })).collect::<Vec<_>>(),
            "migrations": d.migrations.folders.iter().map(|f| json!({
                "path": f.path.to_string_lossy(),
                "framework": framework_name(f.framework),
                "files": f.files,
            })).collect::<Vec<_>>(),
            "files": files,
        })
    }
}

fn list(items: &[String]) -> String {
    match items.is_empty() {
        true => "none found".to_owned(),
        false => items.join(", "),
    }
}
