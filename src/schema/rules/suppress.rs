//! `shipgate:ignore` comments: suppress a finding on or just above a statement, or in a whole file.
use crate::schema::model::Finding;

use super::catalog;

const MARKER: &str = "shipgate:ignore";

/// One `shipgate:ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ignore {
    /// Line of the comment.
    line: usize,
    /// The line whose findings it covers (`None`: the whole file).
    target: Option<usize>,
    /// Rule codes; empty for `ignore-file` without codes (every rule).
    rules: Vec<String>,
    /// The reason given.
    reason: String,
    /// Whether it matched a finding.
    used: bool,
}

/// The ignore comments of one file.
#[derive(Debug, Clone, Default)]
pub struct Ignores {
    entries: Vec<Ignore>,
}

fn comment_body(line: &str) -> Option<(&str, bool)> {
    let at = line.find(MARKER)?;
    let before = &line[..at];
    let marker = ["--", "#", "//", "/*"]
        .iter()
        .filter_map(|m| before.rfind(m))
        .max()?;
    let whole_line = before[..marker].trim().is_empty();
    Some((&line[at + MARKER.len()..], whole_line))
}

fn is_code(line: &str) -> bool {
    let t = line.trim();
    !(t.is_empty() || t.starts_with("--") || t.starts_with('#') || t.starts_with("//"))
}

impl Ignores {
    /// Find the ignore comments of `text`.
    pub fn scan(text: &str) -> Self {
        if !text.contains(MARKER) {
            return Self::default();
        }
        let lines: Vec<&str> = text.lines().collect();
        let mut entries = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let Some((rest, whole_line)) = comment_body(line) else {
                continue;
            };
            let (file_wide, rest) = match rest.strip_prefix("-file") {
                Some(rest) => (true, rest),
                None => (false, rest),
            };
            let rest = rest.trim().trim_end_matches("*/").trim();
            let mut words = rest.split_whitespace().peekable();
            let mut rules = Vec::new();
            while let Some(word) = words.peek() {
                let codes: Vec<&str> = word.split(',').filter(|c| !c.is_empty()).collect();
                if codes.is_empty() || !codes.iter().all(|c| c.starts_with("SG")) {
                    break;
                }
                rules.extend(codes.iter().map(|c| (*c).to_owned()));
                words.next();
            }
            let reason = words.collect::<Vec<_>>().join(" ");
            let target = if file_wide {
                None
            } else if whole_line {
                let next = lines
                    .iter()
                    .enumerate()
                    .skip(i + 1)
                    .find(|(_, l)| is_code(l));
                Some(next.map_or(i + 1, |(j, _)| j + 1))
            } else {
                Some(i + 1)
            };
            entries.push(Ignore {
                line: i + 1,
                target,
                rules,
                reason,
                used: false,
            });
        }
        Self { entries }
    }

    /// Drop the findings an ignore covers (marking it used); keep the rest.
    pub fn filter(&mut self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|finding| {
                let covering = self.entries.iter_mut().find(|ignore| {
                    ignore.target.is_none_or(|t| t == finding.line)
                        && (ignore.rules.is_empty()
                            || ignore.rules.iter().any(|r| r == finding.rule))
                });
                match covering {
                    Some(ignore) => {
                        ignore.used = true;
                        false
                    }
                    None => true,
                }
            })
            .collect()
    }

    /// Findings about the ignores themselves: unused ones, and ones without a reason.
    pub fn hygiene(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        for ignore in &self.entries {
            let rule = if !ignore.used {
                &catalog::UNUSED_IGNORE
            } else if ignore.reason.is_empty() {
                &catalog::IGNORE_WITHOUT_REASON
            } else {
                continue;
            };
            let what = if ignore.rules.is_empty() {
                "every rule".to_owned()
            } else {
                ignore.rules.join(", ")
            };
            let unknown: Vec<&str> = ignore
                .rules
                .iter()
                .filter(|r| catalog::by_code(r).is_none())
                .map(String::as_str)
                .collect();
            let mut message = if ignore.used {
                format!("shipgate:ignore of {what} gives no reason")
            } else {
                format!("shipgate:ignore of {what} matches no finding")
            };
            if !unknown.is_empty() {
                message.push_str(&format!(" ({} is not a shipgate rule)", unknown.join(", ")));
            }
            findings.push(Finding {
                rule: rule.code,
                severity: rule.severity,
                class: rule.class,
                line: ignore.line,
                column: 1,
                message,
                help: rule.help.to_owned(),
            });
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::model::{Class, Severity};

    fn finding(rule: &'static str, line: usize) -> Finding {
        Finding {
            rule,
            severity: Severity::Warning,
            class: Class::Destructive,
            line,
            column: 1,
            message: String::new(),
            help: String::new(),
        }
    }

    #[test]
    fn comment_above_covers_the_next_statement_line() {
        let text = "-- shipgate:ignore SG102 unused since 1.4\n\nALTER TABLE t DROP COLUMN c;\nDROP TABLE u;\n";
        let mut ignores = Ignores::scan(text);
        let kept = ignores.filter(vec![finding("SG102", 3), finding("SG101", 4)]);
        assert_eq!(kept, vec![finding("SG101", 4)]);
        assert!(ignores.hygiene().is_empty());
    }

    #[test]
    fn trailing_comment_covers_its_own_line_and_ruby_python_comments_work() {
        let text = "remove_column :users, :email # shipgate:ignore SG102 gone\n";
        let mut ignores = Ignores::scan(text);
        assert!(ignores.filter(vec![finding("SG102", 1)]).is_empty());
        let text =
            "    # shipgate:ignore SG303,SG302 backfill only\n    migrations.RunPython(f),\n";
        let mut ignores = Ignores::scan(text);
        assert!(ignores.filter(vec![finding("SG303", 2)]).is_empty());
    }

    #[test]
    fn ignore_file_covers_everything_or_the_named_rules() {
        let mut all = Ignores::scan("-- shipgate:ignore-file legacy import\nDROP TABLE a;\n");
        assert!(
            all.filter(vec![finding("SG101", 2), finding("SG201", 9)])
                .is_empty()
        );
        let mut some = Ignores::scan("-- shipgate:ignore-file SG201 small tables\n");
        assert_eq!(
            some.filter(vec![finding("SG101", 2), finding("SG201", 9)]),
            vec![finding("SG101", 2)]
        );
    }

    #[test]
    fn unused_and_reasonless_ignores_are_reported() {
        let text = "-- shipgate:ignore SG999\nSELECT 1;\n-- shipgate:ignore SG101\nDROP TABLE a;\n";
        let mut ignores = Ignores::scan(text);
        ignores.filter(vec![finding("SG101", 4)]);
        let hygiene = ignores.hygiene();
        assert_eq!(hygiene.len(), 2);
        assert_eq!(hygiene[0].rule, "SG304");
        assert_eq!(hygiene[0].line, 1);
        assert!(
            hygiene[0].message.contains("SG999 is not a shipgate rule"),
            "{}",
            hygiene[0].message
        );
        assert_eq!(hygiene[1].rule, "SG306");
        assert_eq!(hygiene[1].line, 3);
    }

    #[test]
    fn the_word_in_ordinary_text_is_not_an_ignore() {
        let ignores = Ignores::scan("INSERT INTO notes VALUES ('shipgate:ignore SG101');\n");
        assert!(ignores.entries.is_empty());
    }
}
