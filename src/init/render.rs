//! The commented `shipgate.yml` written for what was detected.
use super::detect::{Detected, Forge};
use super::sections::{manifests, migrations};

/// The schema of this release's configuration, at its tag in shipgate's repository.
const SCHEMA_LINE: &str = concat!(
    "# yaml-language-server: $schema=https://raw.githubusercontent.com/shipgate/shipgate/v",
    env!("CARGO_PKG_VERSION"),
    "/schemas/shipgate.schema.json\n"
);

const HEADER: &str = "\
# shipgate's configuration, written by shipgate-init. Every key is optional: one left out keeps
# its default. Every key and its default: docs/config.md in shipgate's repository.

# version: shipgate-version computes the next version from the Conventional Commits since the
# last release tag (feat: minor; fix, perf, revert: patch; a breaking change: major), rewrites it
# in the manifests, commits, tags vX.Y.Z and pushes.
version:
  tag_prefix: \"v\"
  initial: \"0.1.0\"  # the first release when neither a tag nor a manifest holds a version
";

const SCHEMA: &str = "
# schema: shipgate-schema reads the migrations a release adds, classifies each change (additive,
# destructive, neutral, unknown) and decides whether the schema or the code goes first.
schema:
  dialect: postgres  # the SQL of your migrations: postgres | mysql | sqlite
";

const ENVIRONMENTS: &str = "
# environments: where a release goes, in promotion order. The starter CI deploys the first on
# the release tag, and the next when someone comments \"/promote production\" on the release's
# deployment issue.
environments: [stage, production]

# promote: who may promote a release with that comment, and what an accepted command starts.
promote:
";

const GITHUB_PROMOTE: &str = "  \
  github:
    permission: maintain  # the lowest role allowed: admin | maintain | write
  dispatch: deploy.yml    # the workflow run at the release tag (.github/workflows)
";

const GITLAB_PROMOTE: &str = "  \
  gitlab:
    access_level: 40  # the lowest role allowed: 30 Developer | 40 Maintainer | 50 Owner
";

const WINDOWS: &str = "
# windows: when a deployment may start, read in timezone. stage is always open; production is
# closed on deny_weekdays, the day before a day off, holidays, vacations and freezes.
windows:
  timezone: UTC                   # an IANA name, such as Europe/Madrid
  deny_weekdays: [fri, sat, sun]
  hours: \"00:00-24:00\"            # when a deployment may start, such as \"09:00-17:00\"
  # holidays: [2026-12-25, 2027-01-01]
  # freezes: [{ from: 2026-12-18T18:00, to: 2027-01-07T08:00, reason: year-end }]

# More sections, all optional: issue (the deployment issue's checklist), gates (what must be
# green after a deployment), notify (Slack, webhooks, e-mail), log (the deployment log) and
# deploy (blue-green, canary or rolling; maintenance mode). See docs/config.md.
";

/// The commented `shipgate.yml` for `detected`: valid for shipgate's loader and its JSON Schema.
pub fn shipgate_yml(detected: &Detected) -> String {
    let mut out = String::from(SCHEMA_LINE);
    out.push_str(HEADER);
    out.push_str(&manifests(&detected.manifests));
    out.push_str(SCHEMA);
    out.push_str(&migrations(&detected.migrations));
    out.push_str(ENVIRONMENTS);
    out.push_str(match detected.forge {
        Forge::Github => GITHUB_PROMOTE,
        Forge::Gitlab => GITLAB_PROMOTE,
    });
    out.push_str(WINDOWS);
    out
}
