//! Real release histories replayed: for every pair of consecutive release tags of a project that
//! uses Conventional Commits and tags every release (`tests/corpus/releases/*.log`, each the
//! project's `git log` between the tags), the version shipgate-version would give the commits
//! on top of the earlier tag, against the tag the project made. The test prints the share of
//! pairs predicted exactly and fails below the last measured figure in [`FLOORS`].
use std::path::PathBuf;

use semver::Version;
use shipgate::config::version::VersionConfig;
use shipgate::version::bump::{effective_level, increment, judge};
use shipgate::version::conventional::{Conventional, ReleaseCommit};

/// Project → lowest accepted share of tag pairs predicted exactly, in per cent.
const FLOORS: &[(&str, f64)] = &[("node-semver", 100.0), ("semantic-release", 100.0)];

struct Pair {
    tag: Version,
    previous: Version,
    messages: Vec<String>,
}

fn parse(text: &str) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = Vec::new();
    let version = |tag: &str| Version::parse(tag.trim_start_matches('v')).unwrap();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("== ") {
            let (tag, previous) = rest.split_once(' ').unwrap();
            pairs.push(Pair {
                tag: version(tag),
                previous: version(previous),
                messages: Vec::new(),
            });
        } else if line.starts_with("-- ") {
            pairs.last_mut().unwrap().messages.push(String::new());
        } else {
            let message = pairs.last_mut().unwrap().messages.last_mut().unwrap();
            if !message.is_empty() {
                message.push('\n');
            }
            // Lines that would read as markers were indented by three spaces.
            let line = match line.strip_prefix("   ") {
                Some(rest) if rest.starts_with(['-', '=', '#']) => rest,
                _ => line,
            };
            message.push_str(line);
        }
    }
    pairs
}

/// The version shipgate-version gives `pair`'s commits on top of its earlier tag.
fn predict(pair: &Pair, config: &VersionConfig) -> Option<Version> {
    let commits: Vec<ReleaseCommit> = pair
        .messages
        .iter()
        .map(|m| ReleaseCommit {
            short_id: String::new(),
            subject: m.lines().next().unwrap_or_default().to_owned(),
            conventional: Conventional::parse(m),
        })
        .collect();
    let verdict = judge(&commits, &config.types).ok()?;
    if let Some((version, _)) = verdict.release_as {
        return Some(version);
    }
    let level = verdict.level?;
    Some(increment(
        &pair.previous,
        effective_level(&pair.previous, level, config),
    ))
}

#[test]
fn real_release_histories_are_predicted() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/releases");
    let config = VersionConfig::default();
    let mut below = Vec::new();
    for (project, floor) in FLOORS {
        let text = std::fs::read_to_string(dir.join(format!("{project}.log"))).unwrap();
        let pairs = parse(&text);
        assert!(pairs.len() >= 20, "{project}: {} tag pairs", pairs.len());
        let mut exact = 0;
        let mut misses = Vec::new();
        for pair in &pairs {
            let predicted = predict(pair, &config);
            if predicted.as_ref() == Some(&pair.tag) {
                exact += 1;
            } else {
                misses.push(format!(
                    "  {} → {}: shipgate {}",
                    pair.previous,
                    pair.tag,
                    predicted.map_or("no release".to_owned(), |v| v.to_string())
                ));
            }
        }
        let share = (exact as f64 * 1000.0 / pairs.len() as f64).floor() / 10.0;
        println!(
            "{project}: {exact}/{} tag pairs predicted exactly ({share:.1}%)",
            pairs.len()
        );
        for miss in &misses {
            println!("{miss}");
        }
        if share < *floor {
            below.push(format!("{project}: {share:.1}% < floor {floor:.1}%"));
        }
    }
    assert!(below.is_empty(), "prediction fell: {below:?}");
}
