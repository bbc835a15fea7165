//! `shipgate-init`: adopt shipgate in a repository in one command.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use shipgate::cli::{CommonArgs, Format};
use shipgate::init::Forge;

mod run;

/// Adopt shipgate in one command: detect the forge (from remote origin), the manifests
/// shipgate-version bumps and the migration folders shipgate-schema reads, then write a
/// commented shipgate.yml and the starter CI — GitHub's workflows in .github/workflows/, or the
/// include of shipgate's GitLab template in .gitlab-ci.yml. Run it on your machine, at the root
/// of your repository or with --repo, then read and commit what it wrote.
#[derive(Debug, Parser)]
#[command(name = "shipgate-init", version, about, long_about, after_long_help = AFTER_HELP)]
#[command(mut_arg("config", |arg| arg.hide(true)))]
struct Cli {
    /// The forge to write the starter CI for [default: told by remote origin's host]
    #[arg(long, value_enum)]
    forge: Option<Forge>,

    /// Print every file it would write, with its text, and write nothing
    #[arg(long)]
    dry_run: bool,

    /// Overwrite the files that exist and differ (replace a .gitlab-ci.yml it cannot append to)
    #[arg(long)]
    force: bool,

    /// A path inside the repository
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,

    /// Result format on stdout (logs always go to stderr)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    #[command(flatten)]
    common: CommonArgs,
}

const AFTER_HELP: &str = concat!(
    "Detects, among the files git sees (tracked, or untracked and not ignored): the forge, from remote origin's host (github in it: GitHub, GitHub Enterprise included; gitlab: GitLab; anything else: pass --forge); the manifests holding a version (Cargo.toml, package.json, pyproject.toml, VERSION, in any directory), listed under version.manifests only when some are not at the root; the migration folders, by the layouts shipgate-schema knows (Rails db/migrate, Django */migrations, Alembic */versions, versioned .sql files such as Flyway's V1__x.sql under a migrations, migrate, db, sql or flyway directory), listed under schema.paths only when those layouts would also read a file that is no migration, such as db/structure.sql.\n\n",
    "Writes: shipgate.yml, commented, with environments stage and production. GitHub: .github/workflows/release.yml, deploy.yml, promote.yml and preview.yml, as ci-templates/github holds them. GitLab: .gitlab-ci.yml including ci-templates/gitlab/shipgate.yml as the README shows, or that include appended to an existing .gitlab-ci.yml that has no stages, include, .deploy or .migrate of its own.\n\n",
    "A file that exists and differs is never overwritten without --force: shipgate-init names it and writes nothing at all. A file already as it would be written is left unchanged, so a second run changes nothing. --format json lists what was detected and every file (schemas/init-output.schema.json).\n\n",
    "Exit codes: 0 written (or planned, with --dry-run); 2 usage: not a git repository, a forge it cannot tell, a file that exists without --force; 3 a file could not be read or written."
);

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
