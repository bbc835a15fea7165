//! `resolve`, `current_version` and `plan` over real directories.
use std::fs;
use std::path::{Path, PathBuf};

use semver::Version;

use super::*;
use crate::config::version::ManifestEntry;

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn paths(files: &[ManifestFile]) -> Vec<&Path> {
    files.iter().map(|f| f.path.as_path()).collect()
}

fn entry(path: &str) -> ManifestEntry {
    ManifestEntry::Path(PathBuf::from(path))
}

fn pattern(path: &str, pattern: &str) -> ManifestEntry {
    ManifestEntry::Pattern {
        path: PathBuf::from(path),
        pattern: pattern.to_owned(),
        all: false,
    }
}

const CARGO: &str = "[package]\nname = \"app\"\nversion = \"1.2.3\" # released by shipgate\n";
const LOCK: &str = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"1.2.3\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.2.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
const PACKAGE: &str = "{\n  \"name\": \"app\",\n  \"version\": \"1.2.3\"\n}\n";
const PACKAGE_LOCK: &str = "{\n  \"name\": \"app\",\n  \"version\": \"1.2.3\",\n  \"packages\": {\n    \"\": { \"version\": \"1.2.3\" }\n  }\n}\n";

#[test]
fn found_lists_the_known_manifests_with_a_version_root_first() {
    let dir = repo(&[
        ("web/package.json", PACKAGE),
        ("VERSION", "2.0.0\n"),
        ("Cargo.toml", CARGO),
        ("pyproject.toml", "[tool.ruff]\nline-length = 100\n"),
        (
            "crates/b/Cargo.toml",
            "[package]\nname = \"b\"\nversion.workspace = true\n",
        ),
        ("docs/package.json", "{ \"private\": true }\n"),
        ("broken/package.json", "{"),
        ("README.md", "# app\n"),
    ]);
    let files: Vec<PathBuf> = [
        "README.md",
        "VERSION",
        "broken/package.json",
        "crates/b/Cargo.toml",
        "docs/package.json",
        "pyproject.toml",
        "web/package.json",
        "Cargo.toml",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let found = found(dir.path(), &files);
    let listed: Vec<(&Path, String)> = found
        .iter()
        .map(|(f, v)| (f.path.as_path(), v.to_string()))
        .collect();
    assert_eq!(
        listed,
        [
            (Path::new("Cargo.toml"), "1.2.3".to_owned()),
            (Path::new("VERSION"), "2.0.0".to_owned()),
            (Path::new("web/package.json"), "1.2.3".to_owned()),
        ]
    );
}

#[test]
fn defaults_are_the_known_manifests_present_at_the_root() {
    let dir = repo(&[
        ("VERSION", "1.2.3\n"),
        ("Cargo.toml", CARGO),
        ("pyproject.toml", "[tool.ruff]\nline-length = 100\n"),
        ("web/package.json", PACKAGE),
    ]);
    let files = resolve(dir.path(), None).unwrap();
    // pyproject.toml holds no version; web/package.json is not at the root.
    assert_eq!(
        paths(&files),
        [Path::new("Cargo.toml"), Path::new("VERSION")]
    );
    assert!(matches!(files[0].kind, ManifestKind::Cargo));
    assert!(matches!(files[1].kind, ManifestKind::Plain));

    let empty = tempfile::tempdir().unwrap();
    assert!(resolve(empty.path(), None).unwrap().is_empty());
}

#[test]
fn defaults_keep_broken_and_dynamic_manifests_for_plan_to_report() {
    let dir = repo(&[
        ("package.json", "{\"version\": 1}"),
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\ndynamic = [\"version\"]\n",
        ),
    ]);
    let files = resolve(dir.path(), None).unwrap();
    assert_eq!(
        paths(&files),
        [Path::new("package.json"), Path::new("pyproject.toml")]
    );
}

#[test]
fn configured_entries_are_checked() {
    let dir = repo(&[
        ("crates/app/Cargo.toml", CARGO),
        ("src/version.py", "V = '1.2.3'\n"),
    ]);
    let entries = [
        entry("crates/app/Cargo.toml"),
        pattern("src/version.py", "V = '([^']+)'"),
    ];
    let files = resolve(dir.path(), Some(&entries)).unwrap();
    assert_eq!(
        paths(&files),
        [
            Path::new("crates/app/Cargo.toml"),
            Path::new("src/version.py")
        ]
    );
    assert!(
        matches!(&files[1].kind, ManifestKind::Pattern { regex, all: false } if regex.as_str() == "V = '([^']+)'")
    );

    let err = resolve(dir.path(), Some(&[entry("src/version.py")])).unwrap_err();
    assert!(matches!(err, ManifestError::UnknownKind { .. }));
    assert!(
        err.to_string()
            .contains("give `{ path: src/version.py, pattern: ... }`"),
        "{err}"
    );

    let err = resolve(dir.path(), Some(&[entry("VERSION")])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "VERSION: listed in version.manifests but does not exist; fix the path or remove the entry"
    );
    let err = resolve(dir.path(), Some(&[pattern("nope.txt", "v(.*)")])).unwrap_err();
    assert!(matches!(err, ManifestError::NotFound { .. }));

    let err = resolve(dir.path(), Some(&[pattern("src/version.py", "V = [")])).unwrap_err();
    assert!(matches!(err, ManifestError::InvalidPattern { .. }), "{err}");
    let err = resolve(dir.path(), Some(&[pattern("src/version.py", "V = '.*'")])).unwrap_err();
    assert!(
        matches!(err, ManifestError::PatternWithoutGroup { .. }),
        "{err}"
    );

    for outside in ["../Cargo.toml", "/etc/VERSION"] {
        let err = resolve(dir.path(), Some(&[entry(outside)])).unwrap_err();
        assert!(
            matches!(err, ManifestError::OutsideRepository { .. }),
            "{err}"
        );
    }
}

#[test]
fn current_version_is_the_first_one_written() {
    let dir = repo(&[
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\ndynamic = [\"version\"]\n",
        ),
        ("package.json", "{\"version\": \"2.0.0-beta.1\"}"),
        ("VERSION", "3.0.0\n"),
    ]);
    let files = [
        ManifestFile {
            path: "pyproject.toml".into(),
            kind: ManifestKind::Pyproject,
        },
        ManifestFile {
            path: "package.json".into(),
            kind: ManifestKind::PackageJson,
        },
        ManifestFile {
            path: "VERSION".into(),
            kind: ManifestKind::Plain,
        },
    ];
    assert_eq!(
        current_version(dir.path(), &files).unwrap(),
        Some(v("2.0.0-beta.1"))
    );
    assert_eq!(current_version(dir.path(), &files[..1]).unwrap(), None);
    assert_eq!(current_version(dir.path(), &[]).unwrap(), None);

    fs::write(dir.path().join("package.json"), "{\"version\": \"two\"}").unwrap();
    let err = current_version(dir.path(), &files).unwrap_err();
    assert!(
        err.to_string().starts_with("package.json:1:14: `two`"),
        "{err}"
    );
}

#[test]
fn plan_includes_companion_lock_files() {
    let dir = repo(&[
        ("Cargo.toml", CARGO),
        ("Cargo.lock", LOCK),
        ("web/package.json", PACKAGE),
        ("web/package-lock.json", PACKAGE_LOCK),
        ("VERSION", "v1.2.3"),
    ]);
    let entries = [
        entry("Cargo.toml"),
        entry("web/package.json"),
        entry("VERSION"),
    ];
    let files = resolve(dir.path(), Some(&entries)).unwrap();
    let edits = plan(dir.path(), &files, &v("1.3.0")).unwrap();
    let planned: Vec<(&Path, &str, &str)> = edits
        .iter()
        .map(|e| (e.path.as_path(), e.before.as_str(), e.after.as_str()))
        .collect();
    let lock_after = LOCK.replacen("1.2.3", "1.3.0", 1);
    let package_lock_after = PACKAGE_LOCK.replace("1.2.3", "1.3.0");
    assert_eq!(
        planned,
        [
            (
                Path::new("Cargo.toml"),
                CARGO,
                CARGO.replace("1.2.3", "1.3.0").as_str()
            ),
            (Path::new("Cargo.lock"), LOCK, lock_after.as_str()),
            (
                Path::new("web/package.json"),
                PACKAGE,
                PACKAGE.replace("1.2.3", "1.3.0").as_str()
            ),
            (
                Path::new("web/package-lock.json"),
                PACKAGE_LOCK,
                package_lock_after.as_str()
            ),
            (Path::new("VERSION"), "v1.2.3", "v1.3.0"),
        ]
    );
    // The registry `serde 1.2.3` keeps its version.
    assert!(lock_after.contains("name = \"serde\"\nversion = \"1.2.3\""));
    // Planning wrote nothing.
    assert_eq!(
        fs::read_to_string(dir.path().join("Cargo.lock")).unwrap(),
        LOCK
    );

    apply(dir.path(), &edits).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("Cargo.lock")).unwrap(),
        lock_after
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("VERSION")).unwrap(),
        "v1.3.0"
    );
    let files = resolve(dir.path(), None).unwrap();
    assert_eq!(
        current_version(dir.path(), &files).unwrap(),
        Some(v("1.3.0"))
    );
}

#[test]
fn plan_is_all_or_nothing() {
    let dir = repo(&[
        ("VERSION", "1.2.3\n"),
        ("Cargo.toml", CARGO),
        (
            "package.json",
            "{\n  \"name\": \"app\",\n  \"version\": [\"1.2.3\"]\n}\n",
        ),
    ]);
    let entries = [entry("VERSION"), entry("Cargo.toml"), entry("package.json")];
    let files = resolve(dir.path(), Some(&entries)).unwrap();
    let err = plan(dir.path(), &files, &v("1.3.0")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "package.json:3:14: expected a string for \"version\"; write the version as a JSON string"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("VERSION")).unwrap(),
        "1.2.3\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("Cargo.toml")).unwrap(),
        CARGO
    );
}

#[test]
fn plan_refuses_a_dynamic_version() {
    let dir = repo(&[(
        "pyproject.toml",
        "[project]\nname = \"x\"\ndynamic = [\"version\"]\n",
    )]);
    let files = resolve(dir.path(), None).unwrap();
    let err = plan(dir.path(), &files, &v("1.0.0")).unwrap_err();
    assert!(matches!(err, ManifestError::DynamicVersion { .. }));
    assert!(
        err.to_string()
            .contains("configure a `{ path: ..., pattern: ... }` entry"),
        "{err}"
    );
}

#[test]
fn plan_merges_edits_of_one_file() {
    let text = "[package]\nname = \"app\"\nversion = \"1.2.3\"\ndocumentation = \"https://docs.rs/app/1.2.3\"\n";
    let dir = repo(&[("Cargo.toml", text)]);
    let entries = [
        entry("Cargo.toml"),
        pattern("Cargo.toml", r#"docs\.rs/app/(?P<version>[^"]+)"#),
    ];
    let files = resolve(dir.path(), Some(&entries)).unwrap();
    let edits = plan(dir.path(), &files, &v("2.0.0")).unwrap();
    assert_eq!(
        edits,
        [FileEdit {
            path: "Cargo.toml".into(),
            before: text.to_owned(),
            after: text.replace("1.2.3", "2.0.0"),
        }]
    );
}

#[test]
fn plan_rewrites_every_match_of_an_all_pattern_entry() {
    let text = "uses: acme/ci/a@v1.2.3\r\nuses: acme/ci/b@v1.2.3\r\n# acme/ci/c@v1.2.3\r\n";
    let dir = repo(&[(".github/workflows/ci.yml", text)]);
    let entry = |all| ManifestEntry::Pattern {
        path: ".github/workflows/ci.yml".into(),
        pattern: r"acme/ci/\w+@v(?P<version>[^\s]+)".to_owned(),
        all,
    };
    let files = resolve(dir.path(), Some(&[entry(true)])).unwrap();
    assert_eq!(
        current_version(dir.path(), &files).unwrap(),
        Some(v("1.2.3"))
    );
    let edits = plan(dir.path(), &files, &v("2.0.0")).unwrap();
    assert_eq!(edits[0].after, text.replace("1.2.3", "2.0.0"));

    let files = resolve(dir.path(), Some(&[entry(false)])).unwrap();
    let edits = plan(dir.path(), &files, &v("2.0.0")).unwrap();
    assert_eq!(edits[0].after, text.replacen("1.2.3", "2.0.0", 1));

    fs::write(
        dir.path().join(".github/workflows/ci.yml"),
        text.replacen("b@v1.2.3", "b@v1.2.2", 1),
    )
    .unwrap();
    let files = resolve(dir.path(), Some(&[entry(true)])).unwrap();
    for err in [
        current_version(dir.path(), &files).unwrap_err(),
        plan(dir.path(), &files, &v("2.0.0")).unwrap_err(),
    ] {
        assert!(
            err.to_string().starts_with(
                ".github/workflows/ci.yml:2:18: version 1.2.2 here differs from 1.2.3 on line 1;"
            ),
            "{err}"
        );
    }
}

#[test]
fn plan_workspace_root_bumps_every_local_lock_entry() {
    let cargo =
        "[workspace]\nmembers = [\"a\", \"b\"]\n\n[workspace.package]\nversion = \"0.3.0\"\n";
    let lock = "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"0.3.0\"\ndependencies = [\n \"b\",\n]\n\n[[package]]\nname = \"b\"\nversion = \"0.3.0\"\n\n[[package]]\nname = \"c\"\nversion = \"0.3.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    let dir = repo(&[("Cargo.toml", cargo), ("Cargo.lock", lock)]);
    let files = resolve(dir.path(), None).unwrap();
    let edits = plan(dir.path(), &files, &v("0.4.0")).unwrap();
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[1].after, lock.replacen("0.3.0", "0.4.0", 2));
}
