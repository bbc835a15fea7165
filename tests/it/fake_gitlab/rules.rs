//! GitLab's rules for every endpoint the fake serves, one row per endpoint, taken from the Grape
//! definitions in gitlabhq/gitlabhq (`lib/api/…`, the `params do … end` block above each route)
//! and the abilities they `authorize!` (`app/policies/project_policy.rb`). `docs/fake-gitlab.md`
//! holds the same table for readers. [`super::validate`] applies it to every request the fake's
//! contract sees.

/// A Grape parameter type, as GitLab declares it (`type:`/`types:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `String` (a JSON number is coerced too).
    Str,
    /// `Integer` (a numeric string is coerced).
    Int,
    /// `Boolean` (`true`/`false`, and the strings Grape coerces: `1`, `0`, `t`, `f`, …).
    Bool,
    /// `DateTime` (ISO 8601).
    DateTime,
    /// `Array[Integer]`, also comma-separated (`CommaSeparatedToIntegerArray`).
    Ints,
    /// `Array[String]`, also comma-separated (`CommaSeparatedToArray`, `LabelsList`).
    Strs,
    /// `types: [Integer, String]` with `integer_none_any`: an integer, `None` or `Any`.
    IntNoneAny,
    /// `Hash`.
    Hash,
    /// `Array` of `{key, value, variable_type}` (`create_pipeline_params`'s `variables`).
    Variables,
}

/// One declared parameter.
#[derive(Debug, Clone, Copy)]
pub(super) struct Param {
    pub name: &'static str,
    /// `requires` (else `optional`).
    pub required: bool,
    pub kind: Kind,
    /// `values:`; empty when any value of the type is allowed.
    pub values: &'static [&'static str],
    /// `except_values:`.
    pub except: &'static [&'static str],
    /// `allow_blank: false`: a blank string is refused.
    pub nonblank: bool,
}

const fn req(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        required: true,
        kind,
        values: &[],
        except: &[],
        nonblank: false,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        required: false,
        kind,
        values: &[],
        except: &[],
        nonblank: false,
    }
}

const fn one_of(name: &'static str, values: &'static [&'static str]) -> Param {
    Param {
        name,
        required: false,
        kind: Kind::Str,
        values,
        except: &[],
        nonblank: false,
    }
}

const fn req_one_of(name: &'static str, values: &'static [&'static str]) -> Param {
    Param {
        name,
        required: true,
        kind: Kind::Str,
        values,
        except: &[],
        nonblank: false,
    }
}

/// Project access levels (`Gitlab::Access`).
pub(super) const ANY_USER: u64 = 0;
pub(super) const GUEST: u64 = 10;
pub(super) const REPORTER: u64 = 20;
pub(super) const DEVELOPER: u64 = 30;

/// One endpoint: its route, where its rules come from, its parameters and the least role.
#[derive(Debug, Clone, Copy)]
pub(super) struct Endpoint {
    /// `GET`, `POST`, `PUT`.
    pub method: &'static str,
    /// The route under `/api/v4`, `:name` for a path parameter.
    pub path: &'static str,
    /// The Grape file and route the rules are read from.
    pub source: &'static str,
    /// The ability checked and the least project access level that has it ([`ANY_USER`]:
    /// any signed-in user; the route is not on a project).
    pub ability: &'static str,
    pub role: u64,
    /// Path and request parameters together (Grape validates both alike).
    pub params: &'static [Param],
    /// `at_least_one_of`.
    pub at_least_one_of: &'static [&'static str],
}

/// `use :pagination` (`lib/api/pagination_params.rb`).
const PAGE: Param = opt("page", Kind::Int);
const PER_PAGE: Param = Param {
    name: "per_page",
    required: false,
    kind: Kind::Int,
    values: &[],
    except: &["0"],
    nonblank: false,
};

/// `optional name, type: String, allow_blank: false`.
const fn opt_nonblank(name: &'static str) -> Param {
    Param {
        nonblank: true,
        ..opt(name, Kind::Str)
    }
}

const SORT: Param = one_of("sort", &["asc", "desc"]);

/// `Deployment.statuses.keys` (`app/models/deployment.rb`).
pub(super) const DEPLOYMENT_STATUSES: &[&str] = &[
    "created", "running", "success", "failed", "canceled", "skipped", "blocked",
];

/// `Ci::HasStatus::AVAILABLE_STATUSES` (`app/models/concerns/ci/has_status.rb`).
pub(super) const PIPELINE_STATUSES: &[&str] = &[
    "created",
    "waiting_for_resource",
    "preparing",
    "waiting_for_callback",
    "pending",
    "running",
    "success",
    "failed",
    "canceling",
    "canceled",
    "skipped",
    "manual",
    "scheduled",
];

/// `Ci::Pipeline.sources.keys` (`app/models/ci/pipeline.rb`, `Enums::Ci::Pipeline.sources`).
const PIPELINE_SOURCES: &[&str] = &[
    "unknown",
    "push",
    "web",
    "trigger",
    "schedule",
    "api",
    "external",
    "pipeline",
    "chat",
    "webide",
    "merge_request_event",
    "external_pull_request_event",
    "parent_pipeline",
    "ondemand_dast_scan",
    "ondemand_dast_validation",
    "security_orchestration_policy",
    "container_registry_push",
    "duo_workflow",
    "pipeline_execution_policy_schedule",
];

/// `params :issue_params` (`lib/api/issues.rb`).
const ISSUE_PARAMS: [Param; 15] = [
    opt("description", Kind::Str),
    opt("assignee_ids", Kind::Ints),
    opt("assignee_id", Kind::Int),
    opt("milestone_id", Kind::Int),
    opt("milestone", Kind::Str),
    opt("labels", Kind::Strs),
    opt("add_labels", Kind::Strs),
    opt("remove_labels", Kind::Strs),
    opt("due_date", Kind::Str),
    opt("start_date", Kind::Str),
    opt("confidential", Kind::Bool),
    opt("discussion_locked", Kind::Bool),
    one_of(
        "issue_type",
        &[
            "issue",
            "incident",
            "test_case",
            "requirement",
            "task",
            "ticket",
        ],
    ),
    one_of(
        "severity",
        &["unknown", "low", "medium", "high", "critical"],
    ),
    opt("epic_id", Kind::Int),
];

/// Every endpoint the fake serves.
pub(super) const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        path: "/user",
        source: "lib/api/users.rb: resource :user, get do (the token's user)",
        ability: "authenticate!",
        role: ANY_USER,
        params: &[],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/users",
        source: "lib/api/users.rb: resource :users, desc 'Get the list of users', get (use :sort_params_no_defaults, :pagination, :with_custom_attributes)",
        ability: "read_users_list (any signed-in user)",
        role: ANY_USER,
        params: &[
            opt("username", Kind::Str),
            opt("extern_uid", Kind::Str),
            opt("provider", Kind::Str),
            opt("search", Kind::Str),
            opt("active", Kind::Bool),
            opt("humans", Kind::Bool),
            opt("external", Kind::Bool),
            opt("blocked", Kind::Bool),
            opt("created_after", Kind::DateTime),
            opt("created_before", Kind::DateTime),
            opt("without_projects", Kind::Bool),
            opt("without_project_bots", Kind::Bool),
            opt("admins", Kind::Bool),
            opt("two_factor", Kind::Str),
            opt("exclude_active", Kind::Bool),
            opt("exclude_external", Kind::Bool),
            opt("exclude_humans", Kind::Bool),
            opt("exclude_internal", Kind::Bool),
            opt("with_custom_attributes", Kind::Bool),
            opt("custom_attributes", Kind::Hash),
            one_of(
                "order_by",
                &["id", "name", "username", "created_at", "updated_at"],
            ),
            SORT,
            PAGE,
            PER_PAGE,
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/issues",
        source: "lib/api/issues.rb: get \":id/issues\" (params :issues_params, :issues_stats_params)",
        ability: "read_issue",
        role: GUEST,
        params: &[
            opt("id", Kind::Str),
            opt("with_labels_details", Kind::Bool),
            one_of("state", &["opened", "closed", "all"]),
            opt("closed_by_id", Kind::Int),
            one_of(
                "order_by",
                &[
                    "created_at",
                    "due_date",
                    "label_priority",
                    "milestone_due",
                    "popularity",
                    "priority",
                    "relative_position",
                    "title",
                    "updated_at",
                ],
            ),
            SORT,
            one_of(
                "due_date",
                &[
                    "0",
                    "any",
                    "today",
                    "tomorrow",
                    "overdue",
                    "week",
                    "month",
                    "next_month_and_previous_two_weeks",
                    "",
                ],
            ),
            one_of(
                "issue_type",
                &[
                    "issue",
                    "incident",
                    "test_case",
                    "requirement",
                    "task",
                    "ticket",
                ],
            ),
            opt("labels", Kind::Strs),
            opt("milestone", Kind::Str),
            one_of("milestone_id", &["Any", "None", "Upcoming", "Started"]),
            opt("iids", Kind::Ints),
            opt("search", Kind::Str),
            opt("in", Kind::Str),
            opt("author_id", Kind::Int),
            opt("author_username", Kind::Str),
            opt("assignee_id", Kind::IntNoneAny),
            opt("assignee_username", Kind::Strs),
            opt("created_after", Kind::DateTime),
            opt("created_before", Kind::DateTime),
            opt("updated_after", Kind::DateTime),
            opt("updated_before", Kind::DateTime),
            opt("not", Kind::Hash),
            one_of(
                "scope",
                &[
                    "created-by-me",
                    "assigned-to-me",
                    "created_by_me",
                    "assigned_to_me",
                    "all",
                ],
            ),
            opt("my_reaction_emoji", Kind::Str),
            opt("confidential", Kind::Bool),
            opt("cursor", Kind::Str),
            PAGE,
            PER_PAGE,
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/issues/:issue_iid",
        source: "lib/api/issues.rb: get \":id/issues/:issue_iid\"",
        ability: "read_issue",
        role: GUEST,
        params: &[req("issue_iid", Kind::Int)],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "POST",
        path: "/projects/:id/issues",
        source: "lib/api/issues.rb: post ':id/issues' (requires :title; use :issue_params)",
        ability: "create_issue",
        role: GUEST,
        params: &[
            req("title", Kind::Str),
            opt("created_at", Kind::DateTime),
            opt("merge_request_to_resolve_discussions_of", Kind::Int),
            opt("discussion_to_resolve", Kind::Str),
            opt("iid", Kind::Int),
            ISSUE_PARAMS[0],
            ISSUE_PARAMS[1],
            ISSUE_PARAMS[2],
            ISSUE_PARAMS[3],
            ISSUE_PARAMS[4],
            ISSUE_PARAMS[5],
            ISSUE_PARAMS[6],
            ISSUE_PARAMS[7],
            ISSUE_PARAMS[8],
            ISSUE_PARAMS[9],
            ISSUE_PARAMS[10],
            ISSUE_PARAMS[11],
            ISSUE_PARAMS[12],
            ISSUE_PARAMS[13],
            ISSUE_PARAMS[14],
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "PUT",
        path: "/projects/:id/issues/:issue_iid",
        source: "lib/api/issues.rb: put ':id/issues/:issue_iid' (at_least_one_of IssuesHelpers.update_params_at_least_one_of)",
        ability: "update_issue",
        role: REPORTER,
        params: &[
            req("issue_iid", Kind::Int),
            opt("title", Kind::Str),
            opt("updated_at", Kind::DateTime),
            one_of("state_event", &["reopen", "close"]),
            opt("created_at", Kind::DateTime),
            ISSUE_PARAMS[0],
            ISSUE_PARAMS[1],
            ISSUE_PARAMS[2],
            ISSUE_PARAMS[3],
            ISSUE_PARAMS[4],
            ISSUE_PARAMS[5],
            ISSUE_PARAMS[6],
            ISSUE_PARAMS[7],
            ISSUE_PARAMS[8],
            ISSUE_PARAMS[9],
            ISSUE_PARAMS[10],
            ISSUE_PARAMS[11],
            ISSUE_PARAMS[12],
            ISSUE_PARAMS[13],
            ISSUE_PARAMS[14],
        ],
        at_least_one_of: &[
            "assignee_id",
            "assignee_ids",
            "confidential",
            "created_at",
            "description",
            "discussion_locked",
            "due_date",
            "labels",
            "add_labels",
            "remove_labels",
            "milestone_id",
            "state_event",
            "title",
            "issue_type",
        ],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/issues/:noteable_id/notes",
        source: "lib/api/notes.rb: get \":id/#{noteables_str}/:noteable_id/notes\"",
        ability: "read_note (read_issue)",
        role: GUEST,
        params: &[
            req("noteable_id", Kind::Int),
            one_of("order_by", &["created_at", "updated_at"]),
            SORT,
            one_of(
                "activity_filter",
                &["all_notes", "only_comments", "only_activity"],
            ),
            PAGE,
            PER_PAGE,
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "POST",
        path: "/projects/:id/issues/:noteable_id/notes",
        source: "lib/api/notes.rb: post \":id/#{noteables_str}/:noteable_id/notes\"",
        ability: "create_note",
        role: GUEST,
        params: &[
            req("noteable_id", Kind::Int),
            req("body", Kind::Str),
            opt("confidential", Kind::Bool),
            opt("internal", Kind::Bool),
            opt("created_at", Kind::Str),
            opt("merge_request_diff_head_sha", Kind::Str),
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/merge_requests/:noteable_id/notes",
        source: "lib/api/notes.rb: get \":id/#{noteables_str}/:noteable_id/notes\" (noteable MergeRequest, lib/api/helpers/notes_helpers.rb: find_noteable)",
        ability: "read_merge_request and read_note",
        role: REPORTER,
        params: &[
            req("noteable_id", Kind::Int),
            one_of("order_by", &["created_at", "updated_at"]),
            SORT,
            one_of(
                "activity_filter",
                &["all_notes", "only_comments", "only_activity"],
            ),
            PAGE,
            PER_PAGE,
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "POST",
        path: "/projects/:id/merge_requests/:noteable_id/notes",
        source: "lib/api/notes.rb: post \":id/#{noteables_str}/:noteable_id/notes\" (noteable MergeRequest, lib/api/helpers/notes_helpers.rb: create_note)",
        ability: "create_note (read_merge_request)",
        role: REPORTER,
        params: &[
            req("noteable_id", Kind::Int),
            req("body", Kind::Str),
            opt("confidential", Kind::Bool),
            opt("internal", Kind::Bool),
            opt("created_at", Kind::Str),
            opt("merge_request_diff_head_sha", Kind::Str),
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "PUT",
        path: "/projects/:id/merge_requests/:noteable_id/notes/:note_id",
        source: "lib/api/notes.rb: put \":id/#{noteables_str}/:noteable_id/notes/:note_id\" (noteable MergeRequest, lib/api/helpers/notes_helpers.rb: update_note)",
        ability: "admin_note (app/policies/note_policy.rb: the note's author)",
        role: REPORTER,
        params: &[
            req("noteable_id", Kind::Int),
            req("note_id", Kind::Int),
            opt_nonblank("body"),
            opt("confidential", Kind::Bool),
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/issues/:issue_iid/notes/:note_id/award_emoji",
        source: "lib/api/award_emoji.rb: get \":id/issues/:issue_iid/notes/:note_id/award_emoji\"",
        ability: "read_issue (can_read_awardable?)",
        role: GUEST,
        params: &[req("issue_iid", Kind::Int), PAGE, PER_PAGE],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "POST",
        path: "/projects/:id/issues/:issue_iid/notes/:note_id/award_emoji",
        source: "lib/api/award_emoji.rb: post \":id/issues/:issue_iid/notes/:note_id/award_emoji\"",
        ability: "read_issue and user_can_award?",
        role: GUEST,
        params: &[req("issue_iid", Kind::Int), req("name", Kind::Str)],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/members/all/:user_id",
        source: "lib/api/members.rb: get \":id/members/all/:user_id\"",
        ability: "read_project (find_source)",
        role: GUEST,
        params: &[req("user_id", Kind::Int)],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/groups/:id/members/all/:user_id",
        source: "lib/api/members.rb: get \":id/members/all/:user_id\" (source_type group)",
        ability: "read_group (find_source)",
        role: ANY_USER,
        params: &[req("user_id", Kind::Int)],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/deployments",
        source: "lib/api/deployments.rb: get ':id/deployments' (values from app/finders/deployments_finder.rb)",
        ability: "read_deployment",
        role: REPORTER,
        params: &[
            PAGE,
            PER_PAGE,
            one_of(
                "order_by",
                &[
                    "id",
                    "iid",
                    "created_at",
                    "updated_at",
                    "ref",
                    "finished_at",
                ],
            ),
            SORT,
            opt("updated_after", Kind::DateTime),
            opt("updated_before", Kind::DateTime),
            opt("finished_after", Kind::DateTime),
            opt("finished_before", Kind::DateTime),
            opt("environment", Kind::Str),
            one_of("status", DEPLOYMENT_STATUSES),
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/deployments/:deployment_id",
        source: "lib/api/deployments.rb: get ':id/deployments/:deployment_id'",
        ability: "read_deployment",
        role: REPORTER,
        params: &[req("deployment_id", Kind::Int)],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "POST",
        path: "/projects/:id/deployments",
        source: "lib/api/deployments.rb: post ':id/deployments'",
        ability: "create_deployment, create_environment",
        role: DEVELOPER,
        params: &[
            req("environment", Kind::Str),
            req("sha", Kind::Str),
            req("ref", Kind::Str),
            req("tag", Kind::Bool),
            req_one_of("status", &["running", "success", "failed", "canceled"]),
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "PUT",
        path: "/projects/:id/deployments/:deployment_id",
        source: "lib/api/deployments.rb: put ':id/deployments/:deployment_id'",
        ability: "update_deployment",
        role: DEVELOPER,
        params: &[
            opt("deployment_id", Kind::Int),
            req_one_of("status", &["running", "success", "failed", "canceled"]),
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/freeze_periods",
        source: "lib/api/freeze_periods.rb: get \":id/freeze_periods\"",
        ability: "read_freeze_period (reporter_access and read_environment)",
        role: REPORTER,
        params: &[PAGE, PER_PAGE],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "POST",
        path: "/projects/:id/pipeline",
        source: "lib/api/ci/pipelines.rb: post ':id/pipeline' (lib/api/ci/helpers/pipelines_helpers.rb: params :create_pipeline_params)",
        ability: "create_pipeline",
        role: DEVELOPER,
        params: &[
            req("ref", Kind::Str),
            opt("variables", Kind::Variables),
            opt("inputs", Kind::Hash),
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/pipelines",
        source: "lib/api/ci/pipelines.rb: get ':id/pipelines' (order_by: Ci::PipelinesFinder::ALLOWED_INDEXED_COLUMNS)",
        ability: "read_pipeline, read_build",
        role: REPORTER,
        params: &[
            PAGE,
            PER_PAGE,
            one_of(
                "scope",
                &["running", "pending", "finished", "branches", "tags"],
            ),
            one_of("status", PIPELINE_STATUSES),
            opt("ref", Kind::Str),
            opt("sha", Kind::Str),
            opt("yaml_errors", Kind::Bool),
            opt("username", Kind::Str),
            opt("updated_before", Kind::DateTime),
            opt("updated_after", Kind::DateTime),
            opt("created_before", Kind::DateTime),
            opt("created_after", Kind::DateTime),
            one_of(
                "order_by",
                &["id", "status", "ref", "updated_at", "user_id"],
            ),
            SORT,
            one_of("source", PIPELINE_SOURCES),
            opt("name", Kind::Str),
        ],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/pipelines/:pipeline_id",
        source: "lib/api/ci/pipelines.rb: get ':id/pipelines/:pipeline_id'",
        ability: "read_pipeline",
        role: REPORTER,
        params: &[req("pipeline_id", Kind::Int)],
        at_least_one_of: &[],
    },
    Endpoint {
        method: "GET",
        path: "/projects/:id/repository/tags/:tag_name",
        source: "lib/api/tags.rb: get ':id/repository/tags/:tag_name'",
        ability: "read_code",
        role: REPORTER,
        params: &[req("tag_name", Kind::Str)],
        at_least_one_of: &[],
    },
];

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Str => "String",
        Kind::Int => "Integer",
        Kind::Bool => "Boolean",
        Kind::DateTime => "DateTime",
        Kind::Ints => "Array[Integer]",
        Kind::Strs => "Array[String]",
        Kind::IntNoneAny => "Integer, None or Any",
        Kind::Hash => "Hash",
        Kind::Variables => "Array of {key, value, variable_type: env_var or file}",
    }
}

fn role_name(level: u64) -> &'static str {
    match level {
        ANY_USER => "any signed-in user",
        GUEST => "Guest",
        REPORTER => "Reporter",
        _ => "Developer",
    }
}

/// The table as Markdown, one row per endpoint (what `docs/fake-gitlab.md` holds).
pub(super) fn markdown() -> String {
    let mut out = String::from(
        "| Endpoint | Source (gitlabhq/gitlabhq) | Ability (least role) | Parameters |\n|---|---|---|---|\n",
    );
    for e in ENDPOINTS {
        let mut params: Vec<String> = e
            .params
            .iter()
            .map(|p| {
                let mut s = format!(
                    "`{}` {} {}",
                    p.name,
                    if p.required { "required" } else { "optional" },
                    kind_name(p.kind)
                );
                if !p.values.is_empty() {
                    let values: Vec<String> = p.values.iter().map(|v| format!("`{v}`")).collect();
                    s.push_str(&format!(" in {}", values.join(" ")));
                }
                if !p.except.is_empty() {
                    s.push_str(&format!(" except `{}`", p.except.join("`, `")));
                }
                if p.nonblank {
                    s.push_str(" not blank");
                }
                s
            })
            .collect();
        if !e.at_least_one_of.is_empty() {
            params.push(format!(
                "at least one of `{}`",
                e.at_least_one_of.join("`, `")
            ));
        }
        let params = if params.is_empty() {
            "none".to_owned()
        } else {
            params.join("; ")
        };
        out.push_str(&format!(
            "| `{} {}` | `{}` | `{}` ({}) | {} |\n",
            e.method,
            e.path,
            e.source.replace('|', "\\|"),
            e.ability,
            role_name(e.role),
            params
        ));
    }
    out
}

/// Rules in the table: one per declared parameter, per `at_least_one_of`, per ability.
pub(super) fn rule_count() -> usize {
    ENDPOINTS
        .iter()
        .map(|e| e.params.len() + usize::from(!e.at_least_one_of.is_empty()) + 1)
        .sum()
}
