//! Messages rendered from templates: built-in ones for every event in English and Spanish,
//! each replaceable by a file of the project's templates directory.
use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};

use super::error::NotifyError;
use super::facts::Facts;
use super::payload::slack_escape;
#[cfg(test)]
use crate::config::notify::Event;
use crate::config::notify::Language;

/// One message in the forms channels need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The title: the first line of the `.txt` template (e-mail subject, Slack header).
    pub title: String,
    /// Plain text: the rest of the `.txt` template.
    pub text: String,
    /// Markdown: the `.md` template (issue comments, the e-mail's HTML part).
    pub markdown: String,
    /// The title in Slack's mrkdwn: the `.txt` template with every value escaped (`&`, `<`,
    /// `>`), so text from commits cannot mention or link; the template's own text as written.
    pub slack_title: String,
    /// The rest of the `.txt` template in Slack's mrkdwn, escaped the same way.
    pub slack_text: String,
}

/// How values are written into a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    /// As they are.
    Plain,
    /// Escaped for Slack's mrkdwn.
    Slack,
}

macro_rules! builtin {
    ($($lang:literal / $event:literal),*) => {
        &[$(
            (concat!($lang, "/", $event, ".txt"), include_str!(concat!("templates/", $lang, "/", $event, ".txt"))),
            (concat!($lang, "/", $event, ".md"), include_str!(concat!("templates/", $lang, "/", $event, ".md"))),
        )*]
    };
}

/// The deployment reports, by name (`es/report.md`).
const REPORTS: &[(&str, &str)] = &[
    ("en/report.md", include_str!("templates/en/report.md")),
    ("es/report.md", include_str!("templates/es/report.md")),
];

/// The built-in templates, by name (`es/start.txt`).
const BUILTIN: &[(&str, &str)] = builtin!(
    "en" / "start",
    "en" / "delay",
    "en" / "end",
    "en" / "failure",
    "en" / "rollback",
    "en" / "maintenance",
    "en" / "maintenance-end",
    "es" / "start",
    "es" / "delay",
    "es" / "end",
    "es" / "failure",
    "es" / "rollback",
    "es" / "maintenance",
    "es" / "maintenance-end"
);

/// Where templates come from: the project's directory first, then the built-in ones.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    dir: Option<PathBuf>,
}

impl Templates {
    /// Templates from `dir` (absolute, or relative to the current directory) where present,
    /// built-in ones elsewhere; `None`: built-in only.
    pub fn new(dir: Option<&Path>) -> Self {
        Self {
            dir: dir.map(Path::to_path_buf),
        }
    }

    /// The project's templates: `configured` (`notify.templates`) under `root`, none when empty.
    pub fn configured(root: &Path, configured: &Path) -> Self {
        Self::new(
            (!configured.as_os_str().is_empty())
                .then(|| root.join(configured))
                .as_deref(),
        )
    }

    /// The source of template `name` (`en/start.txt`).
    pub fn source(&self, name: &str) -> Result<String, NotifyError> {
        if let Some(dir) = &self.dir {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => return Ok(text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(cause) => {
                    return Err(NotifyError::ReadTemplate {
                        path: path.display().to_string(),
                        cause,
                    });
                }
            }
        }
        BUILTIN
            .iter()
            .chain(REPORTS)
            .find(|(n, _)| *n == name)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| NotifyError::Template {
                name: name.to_owned(),
                message: "no such template".to_owned(),
            })
    }

    /// Render the message of `facts.event` in `language`.
    pub fn render(&self, facts: &Facts, language: Language) -> Result<Message, NotifyError> {
        let base = format!("{}/{}", language.code(), facts.event);
        let txt = format!("{base}.txt");
        let text = self.render_as(&txt, facts, Flavour::Plain)?;
        let slack = self.render_as(&txt, facts, Flavour::Slack)?;
        let markdown = self.render_named(&format!("{base}.md"), facts)?;
        let split = |text: &str| -> (String, String) {
            let (title, body) = text.split_once('\n').unwrap_or((text, ""));
            (title.trim().to_owned(), body.trim().to_owned())
        };
        let (title, text) = split(&text);
        let (slack_title, slack_text) = split(&slack);
        Ok(Message {
            title,
            text,
            markdown: markdown.trim().to_owned() + "\n",
            slack_title,
            slack_text,
        })
    }

    /// Render template `name` (`en/report.md`) with `data`.
    pub fn render_named(
        &self,
        name: &str,
        data: &impl serde::Serialize,
    ) -> Result<String, NotifyError> {
        self.render_as(name, data, Flavour::Plain)
    }

    fn render_as(
        &self,
        name: &str,
        data: &impl serde::Serialize,
        flavour: Flavour,
    ) -> Result<String, NotifyError> {
        let source = self.source(name)?;
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        if flavour == Flavour::Slack {
            env.set_formatter(|out, _state, value| {
                let text = match value.as_str() {
                    Some(text) if value.is_safe() => return Ok(out.write_str(text)?),
                    _ => value.to_string(),
                };
                Ok(out.write_str(&slack_escape(&text))?)
            });
        }
        let failed = |e: minijinja::Error| NotifyError::Template {
            name: name.to_owned(),
            message: match e.line() {
                Some(line) => format!("line {line}: {}", e.detail().unwrap_or(&e.to_string())),
                None => e.to_string(),
            },
        };
        let template = env.template_from_named_str(name, &source).map_err(failed)?;
        template.render(data).map_err(failed)
    }
}

/// Every built-in template name, for checks and snapshots.
#[cfg(test)]
pub(crate) fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(n, _)| *n)
}

/// Every event in every language, for snapshots.
#[cfg(test)]
pub(crate) fn every_message() -> impl Iterator<Item = (Language, Event)> {
    Language::ALL
        .into_iter()
        .flat_map(|l| Event::ALL.into_iter().map(move |e| (l, e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::facts::sample;

    #[test]
    fn every_builtin_renders_in_both_languages() {
        assert_eq!(builtin_names().count(), 28);
        let templates = Templates::default();
        for (language, event) in every_message() {
            let facts = sample().for_event(event);
            let message = templates.render(&facts, language).unwrap();
            insta::assert_snapshot!(
                format!("{language}_{event}"),
                format!(
                    "# title\n{}\n# text\n{}\n# markdown\n{}",
                    message.title, message.text, message.markdown
                )
            );
        }
    }

    #[test]
    fn optional_facts_can_be_missing() {
        let mut facts = sample();
        facts.previous_version = None;
        facts.tickets.clear();
        facts.components.clear();
        facts.restarts.clear();
        facts.estimate = None;
        facts.issue_url = None;
        facts.pipeline_url = None;
        let message = Templates::default().render(&facts, Language::En).unwrap();
        assert_eq!(
            message.text,
            "ada is starting the deployment of Acme shop v1.4.0 to production."
        );
    }

    #[test]
    fn a_project_template_replaces_the_builtin_one_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("es")).unwrap();
        std::fs::write(
            dir.path().join("es/start.txt"),
            "¡{{ project }} {{ version }}!\nHola {{ actor }}\n",
        )
        .unwrap();
        let templates = Templates::new(Some(dir.path()));
        let es = templates.render(&sample(), Language::Es).unwrap();
        assert_eq!(
            (es.title.as_str(), es.text.as_str()),
            ("¡Acme shop 1.4.0!", "Hola ada")
        );
        assert!(es.markdown.starts_with("### :rocket: Despliegue"));
        let en = templates.render(&sample(), Language::En).unwrap();
        assert!(en.title.starts_with("Acme shop: deploying"));
    }

    #[test]
    fn template_errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("en")).unwrap();
        std::fs::write(dir.path().join("en/end.txt"), "t\n{{ versoin }}\n").unwrap();
        let error = Templates::new(Some(dir.path()))
            .render(&sample().for_event(Event::End), Language::En)
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("template en/end.txt: line 2:"), "{error}");
    }
}
