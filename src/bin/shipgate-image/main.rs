//! `shipgate-image`: promote a container image by digest, or say what a reference resolves to.
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use shipgate::cli::{CommonArgs, OutputArgs};

mod run;

/// Promote a container image by digest: the manifest a release candidate's tag resolves to is
/// written byte for byte under the release's tags, so what runs in production is what was
/// tested, and nothing is rebuilt or pulled.
#[derive(Debug, Parser)]
#[command(name = "shipgate-image", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Talk plain HTTP to the registry; credentials would travel unencrypted (a registry on
    /// loopback — localhost, 127.0.0.0/8, [::1] — is spoken to over plain HTTP without it, as
    /// docker does)
    #[arg(long, visible_alias = "plain-http", global = true)]
    insecure: bool,

    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the manifest --from resolves to under each --to tag (same registry)
    Promote {
        /// The image to promote: a tag (e.g. registry.example.com/app:rc-1.4.0) or a digest
        /// (…/app@sha256:…)
        #[arg(long, value_name = "REGISTRY/REPO:TAG")]
        from: String,

        /// A tag to write (repeat for more); another repository of the same registry gets the
        /// blobs mounted
        #[arg(long = "to", value_name = "REGISTRY/REPO:TAG", required = true)]
        to: Vec<String>,

        /// Refuse (exit 1) unless --from resolves to this digest, e.g. the one stage recorded
        #[arg(long, value_name = "sha256:…")]
        expect_digest: Option<String>,

        /// Resolve and say what would be written; write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the digest a reference resolves to, its media type, and an index's platforms
    Inspect {
        /// The image, e.g. registry.example.com/app:1.4.0
        #[arg(value_name = "REGISTRY/REPO:TAG")]
        reference: String,
    },
}

const AFTER_HELP: &str = concat!(
    "Promotion: the source's manifest (an image, or an index of several platforms) is written unchanged under each --to tag, so every tag has the source's digest. Within the source's repository no blob moves. In another repository of the same registry, the blobs it lacks are mounted from the source (POST /v2/<to>/blobs/uploads/?mount=<digest>&from=<repository>; uploaded when the registry declines) and an index's manifests are pushed by digest first. A tag already at the digest is reported unchanged and not written again, so a re-run is safe.\n\n",
    "Outputs: promote — digest, tags (every --to now at the digest, comma-separated), written (the tags this run wrote); inspect — digest, pinned (REGISTRY/REPO@DIGEST), media-type, platforms — to $GITHUB_OUTPUT and --dotenv FILE; a table in $GITHUB_STEP_SUMMARY. --format json prints the whole result (schemas/image-promote-output.schema.json, schemas/image-inspect-output.schema.json).\n\n",
    "Credentials: SHIPGATE_REGISTRY_USER and SHIPGATE_REGISTRY_PASSWORD; on GitLab CI_REGISTRY_USER and CI_REGISTRY_PASSWORD for CI_REGISTRY; else $DOCKER_CONFIG/config.json or ~/.docker/config.json as docker reads it: the registry's credHelpers helper, else the credsStore helper (docker-credential-NAME get, on PATH), else its `auths` entry (docker login); else anonymous. Passwords are never printed. Calls failing with 5xx, 429 or a lost connection are retried with backoff.\n\n",
    "Exit codes: 0 promoted (or nothing to do); 1 --expect-digest refused: the source now resolves to another digest (both are named); 2 usage: a bad reference, a source that is not in the registry, a target on another registry, credentials refused; 3 the registry kept failing after retries."
);

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
