//! `shipgate-deploy`: the strategies run the user's hooks in order, watch real gates (an HTTP
//! service on loopback that fails when the state the hooks leave says so, and commands), and
//! undo a failed step as the strategy says; maintenance mode follows the schema report.
use std::path::PathBuf;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;

use crate::fixture::TestRepo;
use crate::http_server::HttpServer;

/// The hooks: each call is logged (arguments and the SHIPGATE_* step variables) to hooks.log
/// beside the work tree; deploy and switch keep their state in files there. A file `fail-HOOK`
/// (e.g. `fail-switch-blue`) makes that call fail.
const DEPLOY_HOOK: &str = r#"#!/bin/sh
echo "deploy $* color=${SHIPGATE_COLOR:-} step=${SHIPGATE_STEP:-} version=${SHIPGATE_VERSION:-}" >> "$STATE/hooks.log"
case "$2" in
  --color) echo "$SHIPGATE_VERSION" > "$STATE/deployed-$3" ;;
  --step) [ -e "$STATE/fail-step-$3" ] && exit 4; echo "$3" > "$STATE/step" ;;
  *) echo "$SHIPGATE_VERSION" > "$STATE/deployed" ;;
esac
exit 0
"#;

const SWITCH_HOOK: &str = r#"#!/bin/sh
if [ $# -eq 1 ]; then cat "$STATE/live"; exit 0; fi
echo "switch $*" >> "$STATE/hooks.log"
[ -e "$STATE/fail-switch-$2" ] && exit 5
echo "$2" > "$STATE/live"
"#;

const MAINTENANCE_HOOK: &str = r#"#!/bin/sh
echo "maintenance $* mode=$SHIPGATE_MAINTENANCE" >> "$STATE/hooks.log"
[ -e "$STATE/fail-maintenance-$1" ] && exit 6
exit 0
"#;

/// GET /health: 500 when the state says the live colour or the current step is broken
/// (`broken-live-COLOR`, `broken-step-N`), else 200.
fn service(state: PathBuf) -> HttpServer {
    let router = Router::new().route(
        "/health",
        get(move || {
            let state = state.clone();
            async move {
                let read =
                    |name: &str| std::fs::read_to_string(state.join(name)).unwrap_or_default();
                let live = read("live");
                let step = read("step");
                let broken = state.join(format!("broken-live-{}", live.trim())).exists()
                    || state.join(format!("broken-step-{}", step.trim())).exists();
                if broken {
                    (StatusCode::INTERNAL_SERVER_ERROR, "broken")
                } else {
                    (StatusCode::OK, "ok")
                }
            }
        }),
    );
    HttpServer::start(router)
}

struct Setup {
    repo: TestRepo,
    _service: HttpServer,
}

impl Setup {
    /// A repository whose shipgate.yml has `deploy` (under `deploy:`) and gates: the HTTP
    /// health check after each step, and before the switch a command gate that refuses a
    /// colour with a `broken-idle-COLOR` file.
    fn new(deploy: &str) -> Self {
        let repo = TestRepo::new();
        let service = service(repo.root().to_path_buf());
        let config = format!(
            "environments: [stage, production]\n\
             gates:\n\
             \x20 - {{ name: health, type: http, url: 'http://{}/health', step: post-deploy, retries: 0 }}\n\
             \x20 - {{ name: idle-smoke, type: command, shell: true, step: pre-switch, command: ['test ! -e \"$STATE/broken-idle-$SHIPGATE_COLOR\"'] }}\n\
             deploy:\n{deploy}",
            service.host()
        );
        repo.write("shipgate.yml", &config);
        for (name, text) in [
            ("deploy/deploy.sh", DEPLOY_HOOK),
            ("deploy/switch.sh", SWITCH_HOOK),
            ("deploy/maintenance.sh", MAINTENANCE_HOOK),
        ] {
            repo.write(name, text);
            crate::fixture::make_executable(&repo.path().join(name));
        }
        repo.commit("feat: deploy hooks");
        Self {
            repo,
            _service: service,
        }
    }

    fn state(&self, name: &str) -> PathBuf {
        self.repo.root().join(name)
    }

    fn touch(&self, name: &str) {
        std::fs::write(self.state(name), "").unwrap();
    }

    fn deploy(&self, args: &[&str]) -> (i32, String, String) {
        let out = self
            .repo
            .binary("shipgate-deploy")
            .args(args)
            .args(["--release", "1.4.0"])
            .env("STATE", self.repo.root())
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn hooks(&self) -> Vec<String> {
        self.repo.root_file_lines("hooks.log")
    }
}

fn outputs(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

const BLUE_GREEN: &str = "  production: { strategy: blue-green, keep_previous: 1s }\n";

#[test]
fn blue_green_deploys_to_the_idle_colour_then_moves_the_traffic() {
    let s = Setup::new(BLUE_GREEN);
    std::fs::write(s.state("live"), "blue\n").unwrap();
    let (code, stdout, stderr) = s.deploy(&["rollout", "--env", "production", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let out = outputs(&stdout);
    assert_eq!(out["result"], "deployed", "{out}");
    assert_eq!(out["live_color"], "green", "{out}");
    assert_eq!(
        s.hooks(),
        [
            "deploy production --color green color=green step= version=1.4.0",
            "switch production green",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(s.state("deployed-green"))
            .unwrap()
            .trim(),
        "1.4.0"
    );

    // The next release goes to the colour that is idle now.
    let (code, stdout, stderr) = s.deploy(&["rollout", "--env", "production", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(outputs(&stdout)["live_color"], "blue");
    assert_eq!(
        s.hooks()[2],
        "deploy production --color blue color=blue step= version=1.4.0"
    );
}

#[test]
fn blue_green_switches_back_when_the_gates_fail_after_the_switch() {
    let s = Setup::new(BLUE_GREEN);
    std::fs::write(s.state("live"), "blue\n").unwrap();
    s.touch("broken-live-green");
    let (code, stdout, stderr) = s.deploy(&["rollout", "--env", "production", "--format", "json"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let out = outputs(&stdout);
    assert_eq!(out["result"], "rolled-back", "{out}");
    assert_eq!(out["live_color"], "blue", "{out}");
    assert_eq!(out["failed_at"], "post-deploy", "{out}");
    assert!(out["reason"].as_str().unwrap().contains("health"), "{out}");
    assert_eq!(
        s.hooks()[1..],
        ["switch production green", "switch production blue"]
    );
    assert_eq!(
        std::fs::read_to_string(s.state("live")).unwrap().trim(),
        "blue"
    );
}

#[test]
fn blue_green_keeps_the_traffic_when_the_idle_colour_fails_its_gates() {
    let s = Setup::new(BLUE_GREEN);
    std::fs::write(s.state("live"), "green\n").unwrap();
    s.touch("broken-idle-blue");
    let (code, stdout, stderr) = s.deploy(&["rollout", "--env", "production"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("failed at pre-switch"), "{stdout}");
    assert!(stdout.contains("the traffic stayed on green"), "{stdout}");
    assert!(
        s.hooks().iter().all(|l| !l.starts_with("switch")),
        "{:?}",
        s.hooks()
    );
}

#[test]
fn an_undo_that_fails_is_an_external_failure_saying_to_act_by_hand() {
    let s = Setup::new(BLUE_GREEN);
    std::fs::write(s.state("live"), "blue\n").unwrap();
    s.touch("broken-live-green");
    s.touch("fail-switch-blue");
    let (code, stdout, stderr) = s.deploy(&["rollout", "--env", "production"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(
        stderr.contains("switch.sh production blue") && stderr.contains("act by hand"),
        "{stderr}"
    );
}

#[test]
fn a_switch_hook_that_names_no_colour_is_a_usage_error() {
    let s = Setup::new(BLUE_GREEN);
    std::fs::write(s.state("live"), "purple\n").unwrap();
    let (code, _, stderr) = s.deploy(&["rollout", "--env", "production"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("printed `purple`") && stderr.contains("blue or green"),
        "{stderr}"
    );
    assert!(s.hooks().is_empty(), "{:?}", s.hooks());
}

const CANARY: &str = "  production: { strategy: canary, steps: [10, 50, 100], watch: 1s }\n";

#[test]
fn canary_moves_in_steps_and_watches_each() {
    let s = Setup::new(CANARY);
    let (code, stdout, stderr) = s.deploy(&["rollout", "--env", "production", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let out = outputs(&stdout);
    assert_eq!(
        (&out["result"], &out["step"]),
        (&"deployed".into(), &"100".into()),
        "{out}"
    );
    assert_eq!(
        s.hooks(),
        [
            "deploy production --step 10 color= step=10 version=1.4.0",
            "deploy production --step 50 color= step=50 version=1.4.0",
            "deploy production --step 100 color= step=100 version=1.4.0",
        ]
    );
}

#[test]
fn a_failed_canary_step_goes_back_to_zero_and_says_which_step() {
    let s = Setup::new(CANARY);
    s.touch("broken-step-50");
    let (code, stdout, stderr) = s.deploy(&["rollout", "--env", "production", "--format", "json"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let out = outputs(&stdout);
    assert_eq!(out["result"], "rolled-back", "{out}");
    assert_eq!(out["failed_at"], "step 2/3 (50%)", "{out}");
    assert_eq!(out["step"], "0", "{out}");
    assert_eq!(
        s.hooks()[1..],
        [
            "deploy production --step 50 color= step=50 version=1.4.0",
            "deploy production --step 0 color= step=0 version=1.4.0",
        ]
    );
}

#[test]
fn a_rolling_step_whose_hook_fails_is_undone_too() {
    let s = Setup::new("  production: { strategy: rolling, steps: [25, 100] }\n");
    s.touch("fail-step-100");
    let (code, stdout, stderr) = s.deploy(&["rollout", "--env", "production", "--format", "json"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let out = outputs(&stdout);
    assert_eq!(out["failed_at"], "step 2/2 (100%)", "{out}");
    assert!(out["reason"].as_str().unwrap().contains("exit 4"), "{out}");
    assert_eq!(
        s.hooks().last().unwrap(),
        "deploy production --step 0 color= step=0 version=1.4.0"
    );
}

#[test]
fn direct_deploys_in_place_and_leaves_the_gates_to_the_next_step() {
    let s = Setup::new("  stage: { strategy: direct }\n");
    // A broken service does not concern the rollout: shipgate-verify judges it next.
    s.touch("broken-step-");
    let (code, stdout, stderr) = s.deploy(&["rollout", "--env", "production", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(outputs(&stdout)["result"], "deployed");
    assert_eq!(s.hooks(), ["deploy production color= step= version=1.4.0"]);
    assert!(!stderr.contains("gate health"), "{stderr}");
}

const MAINTENANCE: &str = "  production:\n    maintenance: { on: ./deploy/maintenance.sh on, off: ./deploy/maintenance.sh off, when: destructive }\n";

fn schema_report(s: &Setup, order: &str, class: &str) -> String {
    let report = serde_json::json!({
        "order": order,
        "pre_deploy": [],
        "post_deploy": [],
        "migrations": [{
            "path": "db/migrate/1_x.sql",
            "class": class,
            "findings": [{ "class": class, "rule": "SG000", "message": "m", "line": 1 }]
        }]
    });
    let path = s.state(&format!("schema-{order}.json"));
    std::fs::write(&path, report.to_string()).unwrap();
    path.display().to_string()
}

#[test]
fn maintenance_follows_the_schema_report() {
    let s = Setup::new(MAINTENANCE);
    let destructive = schema_report(&s, "code-first", "destructive");
    let additive = schema_report(&s, "schema-first", "additive");
    let (code, stdout, stderr) = s.deploy(&[
        "maintenance",
        "on",
        "--env",
        "production",
        "--schema-report",
        &additive,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(outputs(&stdout)["maintenance"], "skipped");
    assert!(s.hooks().is_empty());
    for switch in ["on", "off"] {
        let (code, stdout, stderr) = s.deploy(&[
            "maintenance",
            switch,
            "--env",
            "production",
            "--schema-report",
            &destructive,
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert_eq!(outputs(&stdout)["maintenance"], switch);
    }
    assert_eq!(
        s.hooks(),
        [
            "maintenance on production mode=on",
            "maintenance off production mode=off"
        ]
    );
    // Stage has no maintenance mode.
    let (code, stdout, _) = s.deploy(&["maintenance", "on", "--env", "stage"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("no maintenance mode"), "{stdout}");
}

#[test]
fn maintenance_that_cannot_be_switched_off_fails_loudly() {
    let s = Setup::new(MAINTENANCE);
    s.touch("fail-maintenance-off");
    let (code, stdout, stderr) = s.deploy(&["maintenance", "off", "--env", "production"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(
        stderr.contains("maintenance off") && stderr.contains("exit 6"),
        "{stderr}"
    );
}

#[test]
fn bad_deploy_settings_name_their_line() {
    for (deploy, expected) in [
        (
            "  prod: { strategy: direct }\n",
            "`prod` is not in `environments`",
        ),
        (
            "  production: { strategy: canary, steps: [10, 50] }\n",
            "the last one 100",
        ),
        (
            "  production: { strategy: blue-green, steps: [10, 100] }\n",
            "has no steps",
        ),
        ("  production: { strategy: sideways }\n", "sideways"),
    ] {
        let s = Setup::new(deploy);
        let (code, _, stderr) = s.deploy(&["rollout", "--env", "production"]);
        assert_eq!(code, 2, "{deploy}: {stderr}");
        assert!(stderr.contains("shipgate.yml:"), "{stderr}");
        assert!(stderr.contains(expected), "{deploy}: {stderr}");
        assert!(s.hooks().is_empty());
    }
}

#[test]
fn help_explains_strategies_hooks_outputs_and_exit_codes() {
    let out = TestRepo::new()
        .binary("shipgate-deploy")
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "blue-green",
        "SHIPGATE_STEP",
        "--step 0",
        "live-color",
        "Exit codes",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}
