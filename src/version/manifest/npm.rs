//! package.json and its companion package-lock.json.
use std::ops::Range;
use std::path::Path;

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use semver::Version;

use super::error::{Location, ManifestError};
use super::text::{Located, replace_spans, string_content};

/// Parse `text` and hand its top-level object to `f`.
fn with_object<T>(
    path: &Path,
    text: &str,
    f: impl FnOnce(&Object<'_>) -> Result<T, ManifestError>,
) -> Result<T, ManifestError> {
    let parsed =
        parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default()).map_err(|e| {
            ManifestError::Syntax {
                at: Location {
                    path: path.to_path_buf(),
                    position: Some((e.line_display(), e.column_display())),
                },
                message: e.kind().to_string(),
            }
        })?;
    match &parsed.value {
        Some(Value::Object(object)) => f(object),
        other => Err(ManifestError::Unexpected {
            at: Location::at(path, text, other.as_ref().map_or(0, Ranged::start)),
            problem: "expected a JSON object at the top level".to_owned(),
            fix: "make the file a JSON object such as { \"version\": \"1.2.3\" }".to_owned(),
        }),
    }
}

/// The span of the content of string property `key` of `object`, if present.
/// `what` names it in errors (e.g. `"version"`).
fn string_span(
    path: &Path,
    text: &str,
    object: &Object<'_>,
    key: &str,
    what: &str,
) -> Result<Option<Range<usize>>, ManifestError> {
    let Some(property) = object.get(key) else {
        return Ok(None);
    };
    let Value::StringLit(literal) = &property.value else {
        return Err(ManifestError::Unexpected {
            at: Location::at(path, text, property.value.start()),
            problem: format!("expected a string for {what}"),
            fix: "write the version as a JSON string".to_owned(),
        });
    };
    let literal_span = literal.range.start..literal.range.end;
    string_content(path, text, literal_span, &literal.value, what).map(Some)
}

/// Find the top-level `"version"` of a package.json (nested ones are never read).
pub fn read_package_json(path: &Path, text: &str) -> Result<Located, ManifestError> {
    with_object(path, text, |object| {
        match string_span(path, text, object, "version", "\"version\"")? {
            Some(span) => Located::parse(path, text, span),
            None => Err(ManifestError::NoVersion {
                path: path.to_path_buf(),
                detail: "no top-level \"version\"".to_owned(),
                fix: "add \"version\": \"0.1.0\" or remove package.json from version.manifests"
                    .to_owned(),
            }),
        }
    })
}

/// A package.json with its top-level `"version"` set to `new`.
pub fn bump_package_json(path: &Path, text: &str, new: &Version) -> Result<String, ManifestError> {
    Ok(read_package_json(path, text)?.replace(text, new))
}

/// A package-lock.json with its top-level `"version"` and `packages[""].version` set to
/// `new` (whichever are present; the dependencies' versions are untouched).
pub fn bump_package_lock(path: &Path, text: &str, new: &Version) -> Result<String, ManifestError> {
    with_object(path, text, |object| {
        let mut spans = Vec::new();
        spans.extend(string_span(path, text, object, "version", "\"version\"")?);
        let root_package = object
            .get_object("packages")
            .and_then(|packages| packages.get_object(""));
        if let Some(root_package) = root_package {
            let what = "packages[\"\"].version";
            spans.extend(string_span(path, text, root_package, "version", what)?);
        }
        let edits = spans
            .into_iter()
            .map(|span| (span, new.to_string()))
            .collect();
        Ok(replace_spans(text, edits))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    const PACKAGE: &str = "{\r\n  \"name\":   \"web\",\r\n  \"config\": { \"version\": \"1.4.0\" },\r\n  \"dependencies\": {\"version\": \"^1.4.0\"},\r\n  \"version\" :\t\"1.4.0\",\r\n  \"scripts\": {}\r\n}";

    #[test]
    fn only_the_top_level_version_changes() {
        let path = Path::new("web/package.json");
        assert_eq!(
            read_package_json(path, PACKAGE).unwrap().version,
            v("1.4.0")
        );
        let after = bump_package_json(path, PACKAGE, &v("2.0.0")).unwrap();
        let expected = PACKAGE.replacen(":\t\"1.4.0\"", ":\t\"2.0.0\"", 1);
        assert_ne!(expected, PACKAGE);
        assert_eq!(after, expected);
        assert_eq!(after.matches("1.4.0").count(), 2);
    }

    #[test]
    fn without_trailing_newline_and_with_one() {
        let path = Path::new("package.json");
        for text in [
            "{\"version\":\"0.1.0\"}",
            "{\n\t\"version\": \"0.1.0\"\n}\n",
        ] {
            let after = bump_package_json(path, text, &v("0.2.0-rc.1")).unwrap();
            assert_eq!(after, text.replace("0.1.0", "0.2.0-rc.1"));
        }
    }

    #[test]
    fn non_string_version_names_position_and_fix() {
        let text = "{\n  \"name\": \"x\",\n  \"version\": 1\n}\n";
        let err = read_package_json(Path::new("package.json"), text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "package.json:3:14: expected a string for \"version\"; write the version as a JSON string"
        );
    }

    #[test]
    fn missing_invalid_and_broken() {
        let path = Path::new("package.json");
        let err = read_package_json(path, "{\"config\": {\"version\": \"1.0.0\"}}").unwrap_err();
        assert!(matches!(err, ManifestError::NoVersion { .. }), "{err}");
        let err = read_package_json(path, "{\"version\": \"1.0\"}").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("package.json:1:14: `1.0` is not a semantic version"),
            "{err}"
        );
        let err = read_package_json(path, "{\n  \"version\": \"1.0.0\",,\n}").unwrap_err();
        assert!(matches!(err, ManifestError::Syntax { .. }), "{err}");
        assert!(err.to_string().starts_with("package.json:2:"), "{err}");
        let err = read_package_json(path, "[1]").unwrap_err();
        assert!(err.to_string().contains("expected a JSON object"), "{err}");
    }

    const LOCK: &str = "{\n  \"name\": \"web\",\n  \"version\": \"1.4.0\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {\n    \"\": {\n      \"name\": \"web\",\n      \"version\": \"1.4.0\",\n      \"dependencies\": { \"left-pad\": \"^1.4.0\" }\n    },\n    \"node_modules/left-pad\": {\n      \"version\": \"1.4.0\",\n      \"resolved\": \"https://registry.npmjs.org/left-pad/-/left-pad-1.4.0.tgz\"\n    }\n  }\n}\n";

    #[test]
    fn lock_edits_top_level_and_root_package_only() {
        let after = bump_package_lock(Path::new("package-lock.json"), LOCK, &v("1.5.0")).unwrap();
        let expected = LOCK.replacen("\"version\": \"1.4.0\"", "\"version\": \"1.5.0\"", 2);
        assert_eq!(after, expected);
        assert!(after.contains("\"node_modules/left-pad\": {\n      \"version\": \"1.4.0\""));
    }

    #[test]
    fn old_lock_without_packages() {
        let text =
            "{\"name\":\"web\",\"version\":\"1.4.0\",\"lockfileVersion\":1,\"dependencies\":{}}";
        let after = bump_package_lock(Path::new("package-lock.json"), text, &v("1.5.0")).unwrap();
        assert_eq!(after, text.replacen("1.4.0", "1.5.0", 1));
    }
}
