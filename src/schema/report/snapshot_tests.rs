//! Every format on the sample reports, snapshotted whole.
use super::sample;
use super::{github, gitlab, json, outputs, sarif, text};

#[test]
fn text_blocked() {
    insta::assert_snapshot!(text::render(&sample::blocked(), false));
}

#[test]
fn text_empty() {
    insta::assert_snapshot!(text::render(&sample::empty(), false));
}

#[test]
fn json_blocked() {
    insta::assert_snapshot!(json::render(&sample::blocked()));
}

#[test]
fn json_empty() {
    insta::assert_snapshot!(json::render(&sample::empty()));
}

#[test]
fn github_annotations_blocked() {
    insta::assert_snapshot!(github::annotations(&sample::blocked()));
}

#[test]
fn github_summary_blocked() {
    insta::assert_snapshot!(github::step_summary(&sample::blocked()));
}

#[test]
fn github_summary_empty() {
    insta::assert_snapshot!(github::step_summary(&sample::empty()));
}

#[test]
fn gitlab_blocked() {
    insta::assert_snapshot!(gitlab::render(&sample::blocked()));
}

#[test]
fn sarif_blocked() {
    insta::assert_snapshot!(sarif::render(&sample::blocked(), "0.1.0"));
}

#[test]
fn sarif_empty() {
    insta::assert_snapshot!(sarif::render(&sample::empty(), "0.1.0"));
}

#[test]
fn outputs_blocked() {
    insta::assert_debug_snapshot!(outputs(&sample::blocked()));
}
