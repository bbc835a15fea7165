//! The body's rules, end to end: snapshots, round trips, merging, and the size limit.
use super::sample::{self, record};
use super::*;
use crate::forge::DeploymentState;
use crate::schema::model::Order;

fn chars(text: &str) -> usize {
    text.chars().count()
}

fn entry(i: usize, what: &str) -> HistoryEntry {
    HistoryEntry {
        when: format!("2026-03-02T10:{:02}:{:02}Z", (i / 60) % 60, i % 60),
        who: "alice".into(),
        what: format!("{what} #{i}"),
        key: None,
    }
}

#[test]
fn snapshot_full() {
    insta::assert_snapshot!(render(&sample::full()));
}

#[test]
fn snapshot_schema_first() {
    insta::assert_snapshot!(render(&sample::schema_first()));
}

#[test]
fn snapshot_blocked() {
    insta::assert_snapshot!(render(&sample::blocked()));
}

#[test]
fn snapshot_empty_notes() {
    insta::assert_snapshot!(render(&sample::empty_notes()));
}

#[test]
fn sections_come_in_order_marker_first_state_last() {
    let body = render(&sample::full());
    assert!(body.starts_with("<!-- shipgate:release v1.4.0 -->\n"));
    let at = |needle: &str| body.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let order = [
        "**Release v1.4.0** (previous: v1.3.2)",
        "- Commit: `9fceb02`",
        "  - `api`: `ghcr.io/acme/api@sha256:4f2a9c`",
        "## Release notes",
        "## Schema",
        "## Runbook",
        "## Environments",
        "## Commands",
        "## History",
        "<!-- shipgate:state ",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
    }
    assert!(body.trim_end().ends_with(" -->"));
    assert_eq!(parse_marker(&body), Some(semver::Version::new(1, 4, 0)));
}

#[test]
fn schema_orders_say_what_to_do() {
    let mut issue = sample::schema_first();
    let body = render(&issue);
    assert!(
        body.contains("This release needs its schema change applied before the new code goes out.")
    );
    let pre = body.find("1. `db/V7__add_email.sql`").unwrap();
    let post = body.find("1. `db/post_migrate/").unwrap();
    assert!(pre < post);

    let summary = issue.schema.as_mut().unwrap();
    summary.order = Order::CodeFirst;
    assert!(render(&issue).contains("Deploy the code first, then apply the migrations."));
    issue.schema.as_mut().unwrap().order = Order::None;
    assert!(render(&issue).contains("No migration."));
    issue.schema.as_mut().unwrap().order = Order::Blocked;
    let body = render(&issue);
    assert!(body.contains("This release is blocked"));
    assert!(body.contains("the pipeline's schema report"));
    issue.schema = None;
    assert!(render(&issue).contains("No schema report was attached"));
}

#[test]
fn every_command_has_one_line() {
    let body = render(&sample::full());
    for command in [
        "`/promote ENV`",
        "`/promote ENV --override-window \"reason\"`",
        "`/rollback ENV [vX.Y.Z]`",
        "`/hold [reason]`",
        "`/unhold`",
        "`/status`",
        "`/help`",
    ] {
        let lines = body
            .lines()
            .filter(|l| l.starts_with(&format!("- {command} — ")));
        assert_eq!(lines.count(), 1, "{command}");
    }
}

#[test]
fn table_shows_every_environment_in_order() {
    let mut issue = sample::full();
    issue.rows.push(EnvRow {
        environment: "qa|east".into(),
        state: Some(DeploymentState::Failure),
        ..EnvRow::default()
    });
    let body = render(&issue);
    let stage = body.find("| stage | ✅ success | v1.4.0 | 2026-03-02T10:00:00Z | @alice | [logs](https://github.com/acme/shop/actions/runs/101) |").unwrap();
    let prod = body.find("| production | 🔄 in progress |").unwrap();
    let extra = body
        .find("| qa\\|east | ❌ failure | — | — | — | — |")
        .unwrap();
    assert!(stage < prod && prod < extra);
    let fresh = render(&sample::schema_first());
    assert!(fresh.contains("| production | ⚪ not deployed | — | — | — | — |"));
}

#[test]
fn render_parse_render_is_identical() {
    for issue in [
        sample::full(),
        sample::schema_first(),
        sample::blocked(),
        sample::empty_notes(),
    ] {
        let body = render(&issue);
        let parsed = parse(&body);
        assert_eq!(parsed.version, Some(issue.release.version.clone()));
        assert_eq!(parsed.checklist, issue.checklist);
        assert_eq!(parsed.rows, issue.rows);
        assert_eq!(parsed.history, issue.history);
        assert_eq!(render(&merge(issue.clone(), &body)), body);
        let mut fresh = issue.clone();
        fresh.rows.clear();
        fresh.history.clear();
        fresh.checklist.iter_mut().for_each(|i| i.checked = false);
        assert_eq!(render(&merge(fresh, &body)), body);
    }
}

#[test]
fn history_with_comment_ends_and_dashes_round_trips() {
    let mut issue = sample::full();
    issue.history.push(HistoryEntry {
        when: "2026-03-03T10:00:00Z".into(),
        who: "bob".into(),
        what: "/hold db -- migration --> check <!-- x --> ---".into(),
        key: None,
    });
    let body = render(&issue);
    let state_at = body.rfind("<!-- shipgate:state ").unwrap();
    let block = &body[state_at + 4..];
    let inner = &block[..block.find("-->").unwrap()];
    assert!(
        !inner["-- shipgate:state ".len()..].contains("--"),
        "{inner}"
    );
    assert!(block.trim_end().ends_with("-->"));
    assert_eq!(parse(&body).history, issue.history);
    assert_eq!(render(&merge(issue, &body)), body);
}

#[test]
fn ticks_are_kept_by_text_and_unlisted_items_dropped() {
    let issue = sample::schema_first();
    let body = render(&issue)
        .replace("- [ ] Stage verified", "- [x]   Stage verified  ")
        .replace("- [ ] Users notified", "- [X] Users notified");
    let mut fresh = sample::schema_first();
    fresh.checklist.retain(|i| i.text != "Users notified");
    fresh
        .checklist
        .push(ChecklistItem::new("Status page updated"));
    let merged = merge(fresh, &body);
    let ticked: Vec<&str> = merged
        .checklist
        .iter()
        .filter(|i| i.checked)
        .map(|i| i.text.as_str())
        .collect();
    assert_eq!(ticked, ["Stage verified"]);
    assert!(!merged.checklist.iter().any(|i| i.text == "Users notified"));
    assert_eq!(merged.checklist.last().unwrap().text, "Status page updated");
}

#[test]
fn a_multi_line_item_is_one_line_and_keeps_its_tick() {
    let mut issue = sample::schema_first();
    issue.checklist = vec![ChecklistItem::new("  Tell\n support  ")];
    let body = render(&issue).replace("- [ ] Tell support", "- [x] Tell support");
    assert!(merge(issue, &body).checklist[0].checked);
}

#[test]
fn task_lists_and_markers_in_the_notes_are_inert() {
    let mut issue = sample::schema_first();
    issue.release.notes = "- [x] Backups verified\n<!-- shipgate:checklist -->\n- [x] Stage deployed\n\
        <!-- /shipgate:checklist -->\n<!-- shipgate:state {\"rows\":[{\"environment\":\"evil\"}]} -->\n\
        <!-- shipgate:release v9.9.9 -->"
        .into();
    let body = render(&issue);
    let parsed = parse(&body);
    assert!(parsed.checklist.iter().all(|i| !i.checked));
    assert_eq!(parsed.checklist.len(), 7);
    assert!(parsed.rows.is_empty());
    assert_eq!(parsed.version, Some(semver::Version::new(1, 4, 0)));
}

#[test]
fn existing_rows_stay_unless_fresh_is_later() {
    let body = render(&sample::full());
    let mut fresh = sample::schema_first();
    fresh.rows = vec![
        EnvRow {
            environment: "stage".into(),
            state: Some(DeploymentState::Failure),
            when: Some("2026-03-01T00:00:00Z".into()),
            ..EnvRow::default()
        },
        EnvRow {
            environment: "production".into(),
            state: Some(DeploymentState::Success),
            when: Some("2026-03-03T10:00:00+00:30".into()),
            ..EnvRow::default()
        },
    ];
    let merged = merge(fresh, &body);
    assert_eq!(merged.rows[0].state, Some(DeploymentState::Success));
    assert_eq!(merged.rows[1].state, Some(DeploymentState::Success));
    assert_eq!(
        merged.rows[1].when.as_deref(),
        Some("2026-03-03T10:00:00+00:30")
    );
}

#[test]
fn merge_appends_new_history_once() {
    let body = render(&sample::full());
    let mut fresh = sample::full();
    fresh.rows.clear();
    apply_record(
        &mut fresh,
        &record(
            "production",
            DeploymentState::Success,
            "2026-03-03T09:40:00Z",
            102,
        ),
    );
    let merged = merge(fresh.clone(), &body);
    assert_eq!(merged.history.len(), 3);
    assert_eq!(merged.history[..2], sample::full().history[..]);
    assert_eq!(merged.rows[1].state, Some(DeploymentState::Success));
    let again = merge(fresh, &render(&merged));
    assert_eq!(again.history, merged.history);
}

#[test]
fn missing_or_broken_state_leaves_the_fresh_issue() {
    let fresh = sample::full();
    let broken =
        render(&sample::schema_first()).replace("<!-- shipgate:state {", "<!-- shipgate:state {{");
    for body in ["", "hand-written body", broken.as_str()] {
        let merged = merge(fresh.clone(), body);
        assert_eq!(merged.rows, fresh.rows);
        assert_eq!(merged.history, fresh.history);
    }
}

#[test]
fn what_a_deployment_left_live_shows_beside_its_status_and_in_the_history() {
    let mut issue = sample::schema_first();
    let stage = EnvRecord {
        detail: Some("green live".into()),
        ..record("stage", DeploymentState::Success, "2026-03-02T10:00:00Z", 7)
    };
    assert!(apply_record(&mut issue, &stage));
    let body = render(&issue);
    assert!(
        body.contains("| stage | ✅ success (green live) | v1.4.0 |"),
        "{body}"
    );
    assert!(
        body.contains("v1.4.0 success on stage, green live ("),
        "{body}"
    );
    // The detail survives the body's round trip, and a later record without one clears it.
    let read = parse(&body);
    assert_eq!(read.rows[0].detail.as_deref(), Some("green live"));
    let again = record("stage", DeploymentState::Success, "2026-03-02T11:00:00Z", 8);
    assert!(apply_record(&mut issue, &again));
    assert!(render(&issue).contains("| stage | ✅ success | v1.4.0 |"));
}

#[test]
fn applying_a_record_twice_adds_one_entry() {
    let mut issue = sample::schema_first();
    let stage = record("stage", DeploymentState::Success, "2026-03-02T10:00:00Z", 7);
    assert!(apply_record(&mut issue, &stage));
    let once = issue.clone();
    assert!(!apply_record(&mut issue, &stage));
    assert_eq!(issue, once);
    assert_eq!(issue.history.len(), 1);
    assert_eq!(issue.history[0].who, "alice");
    assert_eq!(
        issue.history[0].what,
        "v1.4.0 success on stage (https://github.com/acme/shop/actions/runs/7)"
    );
    // Another run of the same version is another record.
    assert!(apply_record(
        &mut issue,
        &record("stage", DeploymentState::Success, "2026-03-02T11:00:00Z", 8)
    ));
    assert_eq!(issue.history.len(), 2);
    // Through a body as well.
    let body = render(&issue);
    let mut reread = merge(sample::schema_first(), &body);
    assert!(!apply_record(&mut reread, &stage));
    assert_eq!(render(&reread), body);
}

#[test]
fn an_older_record_adds_history_but_keeps_the_later_row() {
    let mut issue = sample::schema_first();
    apply_record(
        &mut issue,
        &record("stage", DeploymentState::Success, "2026-03-02T11:00:00Z", 2),
    );
    apply_record(
        &mut issue,
        &record(
            "stage",
            DeploymentState::InProgress,
            "2026-03-02T10:00:00Z",
            2,
        ),
    );
    assert_eq!(issue.rows[0].state, Some(DeploymentState::Success));
    assert_eq!(issue.history.len(), 2);
}

#[test]
fn note_headings_sit_below_the_sections() {
    let mut issue = sample::schema_first();
    issue.release.notes = "# Big\n```\n# not a heading\n```\n## Fixes\n#hashtag".into();
    let body = render(&issue);
    assert!(body.contains("### Big\n```\n# not a heading\n```\n#### Fixes\n#hashtag"));
    issue.release.notes = "### Features\n\n- a".into();
    assert!(render(&issue).contains("## Release notes\n\n### Features\n\n- a\n"));
}

#[test]
fn unclosed_code_fence_in_notes_is_closed() {
    let mut issue = sample::schema_first();
    issue.release.notes = "Setup:\n```sh\nmake all\n".into();
    let body = render(&issue);
    assert!(body.contains("make all\n```\n\n## Schema"));
}

// --- The size limit -----------------------------------------------------------------------

#[test]
fn huge_notes_are_cut_at_a_line_with_the_tag_url() {
    let mut issue = sample::full();
    issue.release.notes = (0..20_000)
        .map(|i| format!("- change number {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let body = render(&issue);
    assert!(chars(&body) <= MAX_BODY_CHARS);
    assert!(body.contains(
        "\n\n… notes cut; full notes: https://github.com/acme/shop/releases/tag/v1.4.0\n\n## Schema"
    ));
    let kept = body
        .lines()
        .filter(|l| l.starts_with("- change number "))
        .count();
    assert!(kept > 1000);
    let last = format!("- change number {}\n\n…", kept - 1);
    assert!(body.contains(&last), "cut at a line boundary");
    assert_eq!(parse(&body).history, issue.history);
    assert_eq!(parse(&body).checklist, issue.checklist);
    assert_eq!(render(&merge(issue, &body)), body);
}

#[test]
fn notes_cut_without_url_point_to_the_tag() {
    let mut issue = sample::empty_notes();
    issue.release.notes = "x".repeat(70_000);
    let body = render(&issue);
    assert!(chars(&body) <= MAX_BODY_CHARS);
    assert!(body.contains("## Release notes\n\n… notes cut; see the tag\n\n## Schema"));
}

#[test]
fn characters_are_counted_not_bytes() {
    let mut issue = sample::full();
    // 32,000 characters but 64,000+ bytes: fits without any cut.
    issue.release.notes = "é".repeat(32_000);
    let body = render(&issue);
    assert!(body.len() > MAX_BODY_CHARS);
    assert!(!body.contains("notes cut"));
    issue.release.notes = "é\n".repeat(40_000);
    let body = render(&issue);
    assert!(body.contains("notes cut"));
    assert!(chars(&body) <= MAX_BODY_CHARS);
    assert!(
        chars(&body) > MAX_BODY_CHARS - 100,
        "the cut keeps what fits"
    );
}

#[test]
fn huge_history_shows_the_newest_and_counts_the_rest() {
    let mut issue = sample::full();
    issue.release.notes = "n".repeat(10_000);
    issue.history = (0..800).map(|i| entry(i, "promoted")).collect();
    let body = render(&issue);
    assert!(chars(&body) <= MAX_BODY_CHARS);
    assert!(
        body.contains("## Release notes\n\n… notes cut"),
        "notes go first"
    );
    let shown = body.lines().filter(|l| l.contains(": promoted #")).count();
    assert!(shown > 0 && shown < 800, "{shown}");
    assert!(body.contains(&format!("_{} older entries not shown_", 800 - shown)));
    assert!(
        body.contains("promoted #799\n\n<!-- shipgate:state"),
        "newest last"
    );
    let parsed = parse(&body);
    assert_eq!(
        parsed.history, issue.history,
        "the state block keeps it all"
    );
    assert_eq!(parsed.checklist, issue.checklist);
    assert_eq!(render(&merge(issue, &body)), body);
}

#[test]
fn history_beyond_the_state_block_drops_the_oldest() {
    let mut issue = sample::full();
    issue.release.notes = "n\n".repeat(50_000);
    issue.history = (0..5_000).map(|i| entry(i, "a -- b --> c")).collect();
    let body = render(&issue);
    assert!(chars(&body) <= MAX_BODY_CHARS, "{}", chars(&body));
    let parsed = parse(&body);
    assert!(!parsed.history.is_empty());
    assert_eq!(parsed.history.last(), issue.history.last());
    assert_eq!(parsed.history_omitted + parsed.history.len(), 5_000);
    assert_eq!(parsed.rows, issue.rows);
    assert_eq!(parsed.checklist, issue.checklist);
    assert!(body.contains("| stage | ✅ success |"));
    let shown = body
        .lines()
        .filter(|l| l.contains(": a -- b --> c #"))
        .count();
    assert!(body.contains(&format!("_{} older entries not shown_", 5_000 - shown)));
    // Re-rendering what was read back gives the same body.
    let mut fresh = issue.clone();
    fresh.history.clear();
    fresh.rows.clear();
    assert_eq!(render(&merge(fresh, &body)), body);
}

#[test]
fn absurd_inputs_still_fit_and_keep_the_marker() {
    let mut issue = sample::full();
    issue.checklist = (0..5_000)
        .map(|i| ChecklistItem::new(format!("step {i} of a very long runbook")))
        .collect();
    issue.history = (0..3_000).map(|i| entry(i, "x")).collect();
    let body = render(&issue);
    assert!(chars(&body) <= MAX_BODY_CHARS);
    assert!(body.starts_with("<!-- shipgate:release v1.4.0 -->"));
    assert_eq!(parse(&body).rows, issue.rows);

    let mut issue = sample::full();
    issue.rows[0].link = Some("l".repeat(200_000));
    issue.release.commit = "c".repeat(100_000);
    let body = render(&issue);
    assert!(chars(&body) <= MAX_BODY_CHARS);
    assert!(body.starts_with("<!-- shipgate:release v1.4.0 -->"));
    assert_eq!(parse(&body).version, Some(semver::Version::new(1, 4, 0)));
}

mod limit_props {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn no_render_exceeds_the_limit(
            note_lines in 0usize..6_000,
            note_width in 1usize..40,
            entries in 0usize..1_500,
            what_width in 1usize..60,
        ) {
            let mut issue = sample::full();
            issue.release.notes = vec!["ñ".repeat(note_width); note_lines].join("\n");
            issue.history = (0..entries).map(|i| entry(i, &"w-".repeat(what_width))).collect();
            let body = render(&issue);
            prop_assert!(chars(&body) <= MAX_BODY_CHARS);
            let parsed = parse(&body);
            prop_assert_eq!(&parsed.checklist, &issue.checklist);
            prop_assert_eq!(&parsed.rows, &issue.rows);
            prop_assert_eq!(parsed.history.len() + parsed.history_omitted, entries);
        }
    }
}
