#!/usr/bin/env bash
# API calls one command costs against the fake forges, whatever the history: an outsider's
# /promote, and an accepted /promote, each with 150 earlier production deployments (GitHub), and
# the outsider on GitLab. The tests assert the bounds; this prints the counts they measured.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --quiet --test it -- --nocapture --test-threads 1 \
  promote_trust::an_outsider_costs_three_calls_whatever_the_history \
  promote_trust::a_promotion_reads_the_history_only_as_far_as_it_needs 2>&1 \
  | grep -oE "(an outsider's|one) /promote .*"
