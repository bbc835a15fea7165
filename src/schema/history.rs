//! Django's project state, replayed once per run: each app's migrations are read once, in order,
//! and the state just before any migration is handed to the reader that judges it.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::discover::{django_app, run_order};
use super::frameworks::{AppState, replay_django};

/// An app's migrations (path and text), in run order, and how far the replay has gone.
struct AppHistory {
    state: AppState,
    files: Vec<(PathBuf, String)>,
    next: usize,
}

/// Every Django app's replayed state, keyed by its `migrations/` directory.
#[derive(Default)]
pub struct DjangoHistory {
    apps: HashMap<PathBuf, AppHistory>,
}

impl DjangoHistory {
    /// The state of `path`'s app just before `path` runs. On an app's first use `load` lists its
    /// migrations (path and text, any order); the ones before `path` are replayed, and `path`
    /// itself is taken as read (the caller reads it against the state, which applies it).
    pub fn state_before(
        &mut self,
        path: &Path,
        load: impl FnOnce(&Path) -> Vec<(PathBuf, String)>,
    ) -> &mut AppState {
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let app = self.apps.entry(dir.clone()).or_insert_with(|| {
            let mut files = load(&dir);
            files.sort_by(|a, b| run_order(&a.0, &b.0));
            let mut state = AppState::new(django_app(path).as_deref());
            state.mark_replayed();
            AppHistory {
                state,
                files,
                next: 0,
            }
        });
        let name = path.file_name();
        while let Some((file, text)) = app.files.get(app.next) {
            if file.file_name() == name {
                app.next += 1;
                break;
            }
            if run_order(file, path).is_gt() {
                break;
            }
            replay_django(text, &mut app.state);
            app.next += 1;
        }
        &mut app.state
    }
}
