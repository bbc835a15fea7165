//! `scripts/release.sh`: the release folder it writes from prebuilt binaries (`--bin-dir`; the
//! tests never make a release build), what the folder promises — archives of every binary,
//! `SHA256SUMS`, the actions' pinned checksums, templates pinned by commit — and the other places
//! that name a release: the schemas' address, the binstall metadata, the project's own
//! `shipgate.yml`.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The commit the shared release pins its templates to.
pub const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
/// The version the package (and so the debug binaries) has.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The runner this machine is to `actions/lib/install.sh` (`RUNNER_OS`, `RUNNER_ARCH`), and the
/// target of the archive it downloads there.
pub fn runner() -> (&'static str, &'static str, &'static str) {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => ("Linux", "X64", "x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
        ("macos", "x86_64") => ("macOS", "X64", "x86_64-apple-darwin"),
        ("macos", "aarch64") => ("macOS", "ARM64", "aarch64-apple-darwin"),
        (os, arch) => panic!("no shipgate release target for {os}/{arch}"),
    }
}

/// Every `[[bin]]` of Cargo.toml, in its order.
pub fn binaries() -> Vec<String> {
    cargo_toml()["bin"]
        .as_array_of_tables()
        .unwrap()
        .iter()
        .map(|bin| bin["name"].as_str().unwrap().to_owned())
        .collect()
}

fn cargo_toml() -> toml_edit::DocumentMut {
    std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

/// The binaries the tests release: shipgate-version, the one they run, built for this test run
/// (stripped when `strip` is there, so the archive packs in seconds), and a small stand-in script
/// for each other binary: what goes into an archive is what `--bin-dir` holds, whatever it is.
pub fn bin_dir() -> &'static Path {
    static DIR: OnceLock<TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let built = Path::new(env!("CARGO_BIN_EXE_shipgate-version"));
        let target = dir.path().join("shipgate-version");
        strip_into(built, &target);
        for bin in binaries() {
            if bin != "shipgate-version" {
                write_executable(
                    &dir.path().join(&bin),
                    &format!("#!/bin/sh\necho '{bin} stand-in'\n"),
                );
            }
        }
        dir
    })
    .path()
}

/// `built` copied to `target` without its symbols and debug information when `strip` is there
/// (a tenth of the size: archives pack in seconds), else as it is.
pub fn strip_into(built: &Path, target: &Path) {
    let stripped = Command::new("strip")
        .arg("-o")
        .arg(target)
        .arg(built)
        .status()
        .is_ok_and(|s| s.success());
    if !stripped {
        std::fs::copy(built, target).unwrap();
    }
}

pub fn write_executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    crate::fixture::make_executable(path);
}

/// `scripts/release.sh ARGS`, with SOURCE_DATE_EPOCH fixed.
pub fn release_sh(args: &[&str]) -> Output {
    Command::new(root().join("scripts/release.sh"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap()
}

fn succeeded(output: Output) -> Output {
    assert!(
        output.status.success(),
        "release.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `release.sh --bin-dir … --target-name TARGET --commit COMMIT --out DIR` into a new folder.
pub fn make_release(target_name: &str) -> TempDir {
    let out = tempfile::tempdir().unwrap();
    succeeded(release_sh(&[
        "--bin-dir",
        bin_dir().to_str().unwrap(),
        "--target-name",
        target_name,
        "--commit",
        COMMIT,
        "--out",
        out.path().to_str().unwrap(),
    ]));
    out
}

/// One release folder for this machine's runner, made once for every test that only reads it.
pub fn shared_release() -> &'static Path {
    static OUT: OnceLock<TempDir> = OnceLock::new();
    OUT.get_or_init(|| make_release(runner().2)).path()
}

pub fn archive_name(target: &str) -> String {
    format!("shipgate-{VERSION}-{target}.tar.gz")
}

fn sha256_hex(path: &Path) -> String {
    let digest = Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Files under `dir` (recursively) whose name ends with one of `extensions`.
fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path, extensions));
        } else if extensions
            .iter()
            .any(|ext| path.to_string_lossy().ends_with(ext))
        {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn the_archive_holds_every_binary_and_the_license_at_its_root() {
    let out = shared_release();
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(out.join(archive_name(runner().2)))
        .output()
        .unwrap();
    assert!(listing.status.success());
    let entries: Vec<String> = String::from_utf8(listing.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let mut expected = binaries();
    expected.push("LICENSE".to_owned());
    assert_eq!(entries, expected);
}

#[test]
fn sha256sums_covers_every_asset_and_checks_out() {
    let out = shared_release();
    let sums = read(&out.join("SHA256SUMS"));
    let names: Vec<&str> = sums
        .lines()
        .map(|line| line.split_once("  ").unwrap().1)
        .collect();
    assert!(names.contains(&archive_name(runner().2).as_str()), "{sums}");
    assert!(names.contains(&format!("shipgate-templates-{VERSION}.tar.gz").as_str()));
    for schema in files(&root().join("schemas"), &[".schema.json"]) {
        let name = schema.file_name().unwrap().to_str().unwrap();
        assert!(names.contains(&name), "{name} is not in SHA256SUMS");
        assert_eq!(read(&out.join(name)), read(&schema), "{name}");
    }
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(out)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn the_actions_copy_pins_the_archives_and_downloads_this_release() {
    let out = shared_release();
    let archive = archive_name(runner().2);
    let pinned = read(&out.join("actions/lib/checksums.txt"));
    let lines: Vec<&str> = pinned.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines,
        vec![format!("{}  {archive}", sha256_hex(&out.join(&archive)))]
    );
    let actions = files(&out.join("actions"), &["action.yml"]);
    assert_eq!(actions.len(), 10);
    for action in actions {
        let yaml: serde_yaml::Value = serde_yaml::from_str(&read(&action)).unwrap();
        assert_eq!(
            yaml["inputs"]["shipgate-release"]["default"].as_str(),
            Some(VERSION),
            "{}",
            action.display()
        );
    }
    // Everything else is the repository's actions/ as it is.
    assert_eq!(
        read(&out.join("actions/lib/install.sh")),
        read(&root().join("actions/lib/install.sh"))
    );
}

/// `uses: shipgate/shipgate/actions/NAME@REF  # COMMENT` of every file under `dir`.
fn action_references(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for file in files(dir, &[".yml", ".md"]) {
        for line in read(&file).lines() {
            if let Some(at) = line.find("shipgate/shipgate/actions/") {
                found.push((file.clone(), line[at..].to_owned()));
            }
        }
    }
    found
}

#[test]
fn the_templates_pin_every_action_to_the_commit_with_the_version_as_comment() {
    let out = shared_release();
    let pinned = regex::Regex::new(&format!(
        r"^shipgate/shipgate/actions/[a-z]+@{COMMIT}  # v{}$",
        regex::escape(VERSION)
    ))
    .unwrap();
    let references = action_references(&out.join("ci-templates"));
    assert_eq!(
        references.len(),
        action_references(&root().join("ci-templates")).len()
    );
    assert!(references.len() > 20);
    for (file, reference) in references
        .iter()
        .chain(&action_references(&out.join("actions")))
    {
        assert!(
            pinned.is_match(reference),
            "{}: {reference}",
            file.display()
        );
    }
    let gitlab = read(&out.join("ci-templates/gitlab/shipgate.yml"));
    assert!(gitlab.contains(&format!("default: ghcr.io/shipgate/shipgate:{VERSION}\n")));
    // The templates archive holds the same two folders.
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(out.join(format!("shipgate-templates-{VERSION}.tar.gz")))
        .output()
        .unwrap();
    let listing = String::from_utf8(listing.stdout).unwrap();
    for entry in [
        "actions/lib/checksums.txt",
        "actions/lib/install.sh",
        "ci-templates/github/deploy.yml",
        "ci-templates/gitlab/shipgate.yml",
    ] {
        assert!(listing.lines().any(|l| l == entry), "{entry}: {listing}");
    }
}

/// The pinned copies are what zizmor's strictest policy asks for: every action, shipgate's own
/// too, pinned by commit hash (the form Dependabot and Renovate keep up to date).
#[test]
fn the_pinned_templates_pass_zizmor_with_hash_pins_required() {
    let out = shared_release();
    let config = out.join("zizmor-hash-pin.yml");
    std::fs::write(
        &config,
        "rules:\n  unpinned-uses:\n    config:\n      policies:\n        \"*\": hash-pin\n",
    )
    .unwrap();
    let zizmor = root().join(".tools/venv/bin/zizmor");
    assert!(
        zizmor.exists(),
        "{} is missing: run scripts/tools.sh",
        zizmor.display()
    );
    let run = |files: Vec<PathBuf>| {
        Command::new(&zizmor)
            .arg("--offline")
            .arg("--config")
            .arg(&config)
            .args(files)
            .output()
            .unwrap()
    };
    let pinned = run(files(&out.join("ci-templates/github"), &[".yml"]));
    assert!(
        pinned.status.success(),
        "{}{}",
        String::from_utf8_lossy(&pinned.stdout),
        String::from_utf8_lossy(&pinned.stderr)
    );
    // The same policy refuses the repository's tag references: the check can fail.
    let tagged = run(files(&root().join("ci-templates/github"), &[".yml"]));
    assert!(!tagged.status.success());
}

#[test]
fn the_same_binaries_give_the_same_archive() {
    let again = make_release(runner().2);
    let archive = archive_name(runner().2);
    assert_eq!(
        sha256_hex(&again.path().join(&archive)),
        sha256_hex(&shared_release().join(&archive))
    );
}

/// One CI job per target writes its archive into the folder; `--assemble` then lists them all.
#[test]
fn per_target_archives_add_up_to_one_release() {
    let out = tempfile::tempdir().unwrap();
    let one = shared_release().join(archive_name(runner().2));
    let targets = ["x86_64-unknown-linux-musl", "aarch64-apple-darwin"];
    for target in targets {
        std::fs::copy(&one, out.path().join(archive_name(target))).unwrap();
    }
    // An archive of another version is not part of this release.
    std::fs::copy(
        &one,
        out.path().join("shipgate-0.0.1-x86_64-apple-darwin.tar.gz"),
    )
    .unwrap();
    succeeded(release_sh(&[
        "--assemble",
        "--commit",
        COMMIT,
        "--out",
        out.path().to_str().unwrap(),
    ]));
    let sums = read(&out.path().join("SHA256SUMS"));
    let pinned = read(&out.path().join("actions/lib/checksums.txt"));
    for target in targets {
        assert!(sums.contains(&archive_name(target)), "{sums}");
        assert!(pinned.contains(&archive_name(target)), "{pinned}");
    }
    assert!(!sums.contains("0.0.1"), "{sums}");
    assert!(!pinned.contains("0.0.1"), "{pinned}");
}

/// The release job assembles the archives of the version it is about to tag, before the release
/// commit sets Cargo.toml to it: `--assemble --version` takes the version it is given.
#[test]
fn assembling_takes_the_version_given_before_cargo_toml_names_it() {
    let out = tempfile::tempdir().unwrap();
    let next = "9.9.9";
    std::fs::copy(
        shared_release().join(archive_name(runner().2)),
        out.path()
            .join(format!("shipgate-{next}-{}.tar.gz", runner().2)),
    )
    .unwrap();
    succeeded(release_sh(&[
        "--assemble",
        "--version",
        next,
        "--commit",
        COMMIT,
        "--out",
        out.path().to_str().unwrap(),
    ]));
    let pinned = read(&out.path().join("actions/lib/checksums.txt"));
    assert!(pinned.contains(&format!("shipgate-{next}-")), "{pinned}");
    let action = read(&out.path().join("actions/version/action.yml"));
    assert!(action.contains(&format!("default: \"{next}\"")), "{action}");
}

/// Builds for a target whose standard library is not installed stop before building anything,
/// naming the command that installs it.
#[test]
fn a_target_without_its_standard_library_is_refused_with_the_fix() {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let Some(missing) = [
        "aarch64-unknown-linux-musl",
        "x86_64-unknown-linux-musl",
        "riscv64gc-unknown-linux-gnu",
        "powerpc64le-unknown-linux-gnu",
    ]
    .into_iter()
    .find(|t| !installed.lines().any(|l| l == *t)) else {
        eprintln!("skipped: every candidate target is installed here");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let output = release_sh(&[
        "--target",
        missing,
        "--commit",
        COMMIT,
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&format!("rustup target add {missing}")),
        "{stderr}"
    );
    assert!(!stderr.contains("cargo build"), "it built: {stderr}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn usage_mistakes_are_refused_before_anything_is_written() {
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let bins = bin_dir().to_str().unwrap();
    for (args, says) in [
        (
            vec!["--commit", "main", "--bin-dir", bins],
            "not a full 40-hex commit SHA",
        ),
        (
            vec![
                "--commit",
                COMMIT,
                "--target-name",
                "x86_64-unknown-linux-musl",
            ],
            "--target-name only labels prebuilt binaries",
        ),
        (
            vec!["--commit", COMMIT, "--version", "1.0", "--bin-dir", bins],
            "not a version",
        ),
        (
            vec![
                "--commit",
                COMMIT,
                "--bin-dir",
                bins,
                "--target",
                "a",
                "--target",
                "b",
            ],
            "one target",
        ),
        (vec!["--commit", COMMIT, "--frobnicate"], "unknown argument"),
    ] {
        let mut all = args.clone();
        all.extend(["--out", out_arg]);
        let output = release_sh(&all);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// The address of the configuration schema in the docs, and every schema's `$id`, is the file of
/// the release tag: the path the repository (and so the tag) has it at, the version Cargo.toml
/// has; release.sh attaches the same file.
#[test]
fn the_schema_address_is_the_file_of_this_release_tag() {
    let address = regex::Regex::new(
        r"https://raw\.githubusercontent\.com/shipgate/shipgate/v([^/\s]+)/([^\s`]+)",
    )
    .unwrap();
    let docs = read(&root().join("docs/config.md"));
    let in_docs: Vec<_> = address.captures_iter(&docs).collect();
    assert_eq!(in_docs.len(), 2, "the $id and the $schema line");
    for found in &in_docs {
        assert_eq!(&found[1], VERSION);
        assert_eq!(&found[2], "schemas/shipgate.schema.json");
    }
    for schema in files(&root().join("schemas"), &[".schema.json"]) {
        let json: serde_json::Value = serde_json::from_str(&read(&schema)).unwrap();
        let name = schema.file_name().unwrap().to_str().unwrap();
        assert_eq!(
            json["$id"],
            format!(
                "https://raw.githubusercontent.com/shipgate/shipgate/v{VERSION}/schemas/{name}"
            )
        );
        assert!(shared_release().join(name).is_file(), "{name} not released");
    }
    for place in [
        "README.md",
        "docs",
        "schemas",
        "actions",
        "ci-templates",
        "src",
    ] {
        let path = root().join(place);
        let paths = if path.is_dir() {
            files(&path, &[".md", ".json", ".yml", ".rs"])
        } else {
            vec![path]
        };
        for file in paths {
            assert!(
                !read(&file).contains("shipgate.dev"),
                "{}: shipgate.dev is not the project's",
                file.display()
            );
        }
    }
}

/// Every place that names the release version is one of the manifests the project's own
/// `shipgate.yml` gives shipgate-version, which sets each to the new version in the release
/// commit; today each names Cargo.toml's version.
#[test]
fn the_projects_release_bumps_every_place_that_names_the_version() {
    let config = shipgate::config::load(&root().join("shipgate.yml"), true).unwrap();
    let entries = config.version.manifests.clone().unwrap();
    let manifests = shipgate::version::manifest::resolve(&root(), Some(&entries)).unwrap();
    let mut bumped = std::collections::BTreeSet::new();
    for manifest in &manifests {
        let text = read(&root().join(&manifest.path));
        let located =
            shipgate::version::manifest::locate(&manifest.path, &text, &manifest.kind).unwrap();
        assert_eq!(
            located.version.to_string(),
            VERSION,
            "{}",
            manifest.path.display()
        );
        bumped.insert(manifest.path.clone());
    }
    let mut expected: Vec<PathBuf> = vec!["Cargo.toml".into(), "docs/config.md".into()];
    for dir in ["schemas", "actions"] {
        for file in files(&root().join(dir), &[".schema.json", "action.yml"]) {
            expected.push(file.strip_prefix(root()).unwrap().to_path_buf());
        }
    }
    for path in expected {
        assert!(bumped.contains(&path), "{} is not bumped", path.display());
    }
    // The next release's commit leaves no address of this one behind.
    let next = semver::Version::new(9, 9, 9);
    let edits = shipgate::version::manifest::plan(&root(), &manifests, &next).unwrap();
    let this = format!("shipgate/shipgate/v{VERSION}/");
    for edit in edits {
        assert!(
            !edit.after.contains(&this),
            "{} keeps {this}",
            edit.path.display()
        );
        if edit.before.contains(&this) {
            assert!(edit.after.contains("shipgate/shipgate/v9.9.9/"));
        }
    }
}

/// `cargo binstall shipgate` finds the archive release.sh makes, and the binaries where the
/// archive has them.
#[test]
fn the_binstall_metadata_names_the_release_archive() {
    let cargo = cargo_toml();
    let package = &cargo["package"];
    let binstall = &package["metadata"]["binstall"];
    let repo = package["repository"].as_str().unwrap();
    let target = runner().2;
    let render = |template: &str, bin: &str| {
        template
            .replace("{ repo }", repo)
            .replace("{ version }", VERSION)
            .replace("{ target }", target)
            .replace("{ bin }", bin)
            .replace("{ binary-ext }", "")
    };
    assert_eq!(
        render(binstall["pkg-url"].as_str().unwrap(), ""),
        format!(
            "https://github.com/shipgate/shipgate/releases/download/v{VERSION}/{}",
            archive_name(target)
        )
    );
    assert!(shared_release().join(archive_name(target)).is_file());
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    let bin_dir = binstall["bin-dir"].as_str().unwrap();
    let in_archive: Vec<String> = binaries().iter().map(|b| render(bin_dir, b)).collect();
    assert_eq!(in_archive, binaries(), "the archive has them at its root");
    // install.sh downloads from the same address.
    let install = read(&root().join("actions/lib/install.sh"));
    assert!(install.contains(&format!("{repo}/releases/download}}")));
    assert!(install.contains("/v${release}/${archive}"));
    for key in [
        "description",
        "license",
        "repository",
        "readme",
        "rust-version",
    ] {
        assert!(package.get(key).is_some(), "package.{key}");
    }
}

/// The package holds the sources and what their unit tests read, not the corpus or CI files.
#[test]
fn the_package_leaves_out_tests_and_ci_files() {
    let output = Command::new(env!("CARGO"))
        .args([
            "package",
            "--list",
            "--locked",
            "--allow-dirty",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list = String::from_utf8(output.stdout).unwrap();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE",
        "src/lib.rs",
        "src/bin/shipgate-version/main.rs",
        "schemas/shipgate.schema.json",
        "docs/config.md",
    ] {
        assert!(
            list.lines().any(|l| l == needed),
            "{needed} missing:\n{list}"
        );
    }
    for line in list.lines() {
        assert!(
            ![
                "tests/",
                "benches/",
                "scripts/",
                "actions/",
                "ci-templates/",
                ".github/"
            ]
            .iter()
            .any(|dir| line.starts_with(dir)),
            "{line} is packaged"
        );
    }
}

/// After a release, main's starter workflows are pinned by commit (the release workflow commits
/// them); the next release pins them again, to its own commit and version.
#[test]
fn a_release_pins_again_what_an_earlier_release_pinned() {
    let copy = tempfile::tempdir().unwrap();
    for dir in ["scripts", "actions", "ci-templates", "schemas"] {
        crate::fixture::copy_dir(&root().join(dir), &copy.path().join(dir));
    }
    std::fs::copy(root().join("Cargo.toml"), copy.path().join("Cargo.toml")).unwrap();
    let earlier = "fedcba9876543210fedcba9876543210fedcba98";
    let tagged = regex::Regex::new(r"(shipgate/shipgate/actions/[a-z]+)@v[0-9.]+").unwrap();
    for file in files(&copy.path().join("ci-templates"), &[".yml"]) {
        let text = read(&file);
        let pinned = tagged.replace_all(&text, format!("$1@{earlier}  # v0.0.9"));
        std::fs::write(&file, pinned.as_ref()).unwrap();
    }
    let out = copy.path().join("dist");
    std::fs::create_dir(&out).unwrap();
    std::fs::copy(
        shared_release().join(archive_name(runner().2)),
        out.join(archive_name(runner().2)),
    )
    .unwrap();
    let output = Command::new(copy.path().join("scripts/release.sh"))
        .args(["--assemble", "--commit", COMMIT, "--out"])
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    succeeded(output);
    let references = action_references(&out.join("ci-templates"));
    assert!(references.len() > 20);
    for (file, reference) in references {
        assert!(
            reference.ends_with(&format!("@{COMMIT}  # v{VERSION}")),
            "{}: {reference}",
            file.display()
        );
    }
}

/// The Dockerfile's release variant, from a release folder: the image has git and every binary.
/// Only where a container builder runs here; otherwise the test says why and passes.
#[test]
fn the_container_image_holds_git_and_the_binaries() {
    let builder = ["docker", "podman"].into_iter().find(|tool| {
        Command::new(tool)
            .arg("info")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(builder) = builder else {
        eprintln!("skipped: no container builder runs here (docker info and podman info fail)");
        return;
    };
    if !runner().2.contains("linux") {
        eprintln!("skipped: the image takes Linux archives");
        return;
    }
    let context = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("Dockerfile"), context.path().join("Dockerfile")).unwrap();
    std::fs::create_dir(context.path().join("dist")).unwrap();
    let archive = archive_name(runner().2);
    std::fs::copy(
        shared_release().join(&archive),
        context.path().join("dist").join(&archive),
    )
    .unwrap();
    let tag = "shipgate-release-test:latest";
    let build = Command::new(builder)
        .args(["build", "--build-arg", "BINARIES=release", "--tag", tag])
        .arg(context.path())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    // The test's binaries are built for this machine, not for Alpine: only their presence is
    // checked.
    let script = format!(
        "git --version && for b in {}; do test -x /usr/local/bin/$b || exit 1; done",
        binaries().join(" ")
    );
    let run = Command::new(builder)
        .args(["run", "--rm", tag, "sh", "-c", &script])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// shipgate's own workflows get their binaries from `.github/actions/shipgate-from-source`: one
/// on PATH is used as it is; the missing ones are built from the checkout (a stand-in `cargo`
/// records the call: a real build here would replace binaries other tests are running) and their
/// folder put on GITHUB_PATH; a name that is not a shipgate binary is refused.
#[test]
fn shipgate_from_source_uses_the_path_and_builds_the_rest() {
    let script = root().join(".github/actions/shipgate-from-source/build.sh");
    let built = Path::new(env!("CARGO_BIN_EXE_shipgate-version"))
        .parent()
        .unwrap();
    let stand_in = tempfile::tempdir().unwrap();
    let calls = stand_in.path().join("calls");
    write_executable(
        &stand_in.path().join("cargo"),
        &format!("#!/bin/sh\necho \"$*\" >> '{}'\n", calls.display()),
    );
    let run = |binaries: &str, path: String, target_dir: &str| {
        let github_path = tempfile::NamedTempFile::new().unwrap();
        let output = Command::new("bash")
            .arg(&script)
            .env("BINARIES", binaries)
            .env("PATH", path)
            .env("GITHUB_PATH", github_path.path())
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(root())
            .output()
            .unwrap();
        (output, read(github_path.path()))
    };
    let system = "/usr/local/bin:/usr/bin:/bin";
    let with_built = format!("{}:{}:{system}", built.display(), stand_in.path().display());

    let (output, added) = run("shipgate-version shipgate-issue", with_built.clone(), "");
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("using the shipgate on PATH"));
    assert_eq!(added, "");
    assert!(!calls.exists(), "nothing built");

    let without = format!("{}:{system}", stand_in.path().display());
    let (output, added) = run("shipgate-version shipgate-issue", without, "/ci/target");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        read(&calls),
        "build --locked --bin shipgate-version --bin shipgate-issue\n"
    );
    assert_eq!(added, "/ci/target/debug\n");

    let (output, _) = run("shipgate-window rm", with_built, "");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("rm is not a shipgate binary"));
}
