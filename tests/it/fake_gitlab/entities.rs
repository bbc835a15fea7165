//! What GitLab answers, as far as the fake holds its definitions: every error in one of
//! GitLab's two shapes, a paged route's answer a JSON array, and the answer of a route whose
//! Grape entity is below (`present …, with: Entities::…` in the route, the entity in
//! gitlabhq/gitlabhq `lib/api/entities/`) exposing no field the entity does not. A field the
//! fake made up would let a client rely on what GitLab never sends.
//!
//! The routes on users, issues, members and pipelines hold no entity here: their answers are
//! checked for their shape only.
use serde_json::Value;

use super::validate::endpoint_for;

/// A Grape entity: the fields it exposes (`expose :name` and `expose …, as: :name`).
struct Entity {
    name: &'static str,
    source: &'static str,
    fields: &'static [&'static str],
}

const DEPLOYMENT: Entity = Entity {
    name: "Entities::Deployment",
    source: "lib/api/entities/deployment.rb",
    fields: &[
        "id",
        "iid",
        "ref",
        "sha",
        "created_at",
        "updated_at",
        "user",
        "environment",
        "deployable",
        "status",
    ],
};

const NOTE: Entity = Entity {
    name: "Entities::Note",
    source: "lib/api/entities/note.rb",
    fields: &[
        "id",
        "type",
        "body",
        "attachment",
        "author",
        "created_at",
        "updated_at",
        "system",
        "noteable_id",
        "noteable_type",
        "commit_id",
        "position",
        "resolvable",
        "resolved",
        "resolved_by",
        "resolved_at",
        "confidential",
        "noteable_iid",
        "commands_changes",
    ],
};

const AWARD_EMOJI: Entity = Entity {
    name: "Entities::AwardEmoji",
    source: "lib/api/entities/award_emoji.rb",
    fields: &[
        "id",
        "name",
        "user",
        "created_at",
        "updated_at",
        "awardable_id",
        "awardable_type",
        "url",
    ],
};

const FREEZE_PERIOD: Entity = Entity {
    name: "Entities::FreezePeriod",
    source: "lib/api/entities/freeze_period.rb",
    fields: &[
        "id",
        "freeze_start",
        "freeze_end",
        "cron_timezone",
        "created_at",
        "updated_at",
    ],
};

const TAG: Entity = Entity {
    name: "Entities::Tag",
    source: "lib/api/entities/tag.rb",
    fields: &[
        "name",
        "message",
        "target",
        "commit",
        "release",
        "protected",
        "created_at",
    ],
};

/// The entity each route presents its answer with (a route of the rule table, `METHOD path`).
const PRESENTED: &[(&str, &Entity)] = &[
    ("GET /projects/:id/deployments", &DEPLOYMENT),
    ("GET /projects/:id/deployments/:deployment_id", &DEPLOYMENT),
    ("POST /projects/:id/deployments", &DEPLOYMENT),
    ("PUT /projects/:id/deployments/:deployment_id", &DEPLOYMENT),
    ("GET /projects/:id/issues/:noteable_id/notes", &NOTE),
    ("POST /projects/:id/issues/:noteable_id/notes", &NOTE),
    ("GET /projects/:id/merge_requests/:noteable_id/notes", &NOTE),
    (
        "POST /projects/:id/merge_requests/:noteable_id/notes",
        &NOTE,
    ),
    (
        "PUT /projects/:id/merge_requests/:noteable_id/notes/:note_id",
        &NOTE,
    ),
    (
        "GET /projects/:id/issues/:issue_iid/notes/:note_id/award_emoji",
        &AWARD_EMOJI,
    ),
    (
        "POST /projects/:id/issues/:issue_iid/notes/:note_id/award_emoji",
        &AWARD_EMOJI,
    ),
    ("GET /projects/:id/freeze_periods", &FREEZE_PERIOD),
    ("GET /projects/:id/repository/tags/:tag_name", &TAG),
];

/// `Err` naming what is wrong when GitLab never answers `method` `path` with `status` and
/// `body`.
pub(super) fn check(method: &str, path: &str, status: u16, body: &[u8]) -> Result<(), String> {
    let value: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body).map_err(|_| format!("{status}: the body is not JSON"))?
    };
    if status >= 400 {
        // Grape's validation errors are `{"error": …}`; what GitLab renders itself
        // (`render_api_error!`, `bad_request!`, `not_found!`, …) is `{"message": …}`.
        let shaped = value
            .as_object()
            .is_some_and(|o| o.contains_key("message") || o.contains_key("error"));
        if shaped {
            return Ok(());
        }
        return Err(format!(
            "{status} {value}: not GitLab's error shape ({{\"message\": …}} or {{\"error\": …}})"
        ));
    }
    let Some((endpoint, _)) = endpoint_for(method, path) else {
        // The contract refused the request already: the answer was its refusal.
        return Ok(());
    };
    let route = format!("{} {}", endpoint.method, endpoint.path);
    if endpoint.params.iter().any(|p| p.name == "page") && !value.is_array() {
        return Err(format!("{route}: a paged route answers a JSON array"));
    }
    let Some((_, entity)) = PRESENTED.iter().find(|(r, _)| *r == route) else {
        // No entity held for this route: its shape is all that is checked.
        return Ok(());
    };
    let items: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        // `render_validation_error!` with no errors renders nothing (a deployment's status the
        // state machine does not move to).
        Value::Null => Vec::new(),
        one => vec![one],
    };
    for item in items {
        let Some(fields) = item.as_object() else {
            return Err(format!("{route}: {} is an object", entity.name));
        };
        if let Some(extra) = fields.keys().find(|k| !entity.fields.contains(&k.as_str())) {
            return Err(format!(
                "{route}: {} ({}) exposes no field `{extra}`",
                entity.name, entity.source
            ));
        }
    }
    Ok(())
}

#[test]
fn answers_hold_to_the_entity() {
    let list = "/api/v4/projects/42/deployments";
    assert!(check("GET", list, 200, br#"[{"id":1,"status":"success"}]"#).is_ok());
    let extra = check("GET", list, 200, br#"[{"id":1,"finished_at":null}]"#);
    assert!(
        extra
            .unwrap_err()
            .contains("exposes no field `finished_at`")
    );
    assert!(
        check("GET", list, 200, br#"{"id":1}"#).is_err(),
        "not a list"
    );
    assert!(check("GET", list, 403, br#"{"message":"403 Forbidden"}"#).is_ok());
    assert!(check("GET", list, 400, br#"{"error":"page is invalid"}"#).is_ok());
    assert!(check("GET", list, 500, br#"{"detail":"boom"}"#).is_err());
    assert!(check("GET", "/api/v4/user", 200, b"not json").is_err());
}
