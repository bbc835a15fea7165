//! Test helper: the fenced code blocks of a Markdown page, so that examples in the docs
//! (`docs/config.md`, later `README.md`) can be checked against the code and the schema.

/// One fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeBlock {
    /// The info string's first word, e.g. `yaml` (empty when none).
    pub lang: String,
    /// The whole info string, e.g. `yaml shipgate.yml`.
    pub info: String,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The content between the fences, each line ending with `\n`.
    pub text: String,
}

/// The fenced code blocks (```` ``` ```` or `~~~`) of `markdown` whose language is `lang`.
/// An unclosed block runs to the end of the page, as in CommonMark.
pub(crate) fn fenced_blocks(markdown: &str, lang: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, CodeBlock)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            None => {
                if let Some(fence) = fence_of(trimmed) {
                    let info = trimmed[fence.len()..].trim();
                    let lang = info
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    open = Some((
                        fence,
                        CodeBlock {
                            lang,
                            info: info.to_owned(),
                            line: i + 1,
                            text: String::new(),
                        },
                    ));
                }
            }
            Some((fence, mut block)) => {
                let closes = trimmed.starts_with(&fence)
                    && trimmed.trim_end().chars().all(|c| fence.starts_with(c));
                if closes {
                    blocks.push(block);
                } else {
                    block.text.push_str(line);
                    block.text.push('\n');
                    open = Some((fence, block));
                }
            }
        }
    }
    blocks.extend(open.map(|(_, block)| block));
    blocks.retain(|b| b.lang == lang);
    blocks
}

/// The fence that opens a block on this (left-trimmed) line: three or more backticks or tildes.
fn fence_of(line: &str) -> Option<String> {
    let first = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let fence: String = line.chars().take_while(|c| *c == first).collect();
    (fence.len() >= 3).then_some(fence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_blocks_of_one_language_with_their_lines() {
        let page = "# T\n```yaml\na: 1\n```\ntext\n````text\n```yaml\nnot: a block\n````\n~~~ yaml title\nb: 2\n~~~\n";
        let blocks = fenced_blocks(page, "yaml");
        assert_eq!(
            blocks,
            [
                CodeBlock {
                    lang: "yaml".into(),
                    info: "yaml".into(),
                    line: 2,
                    text: "a: 1\n".into()
                },
                CodeBlock {
                    lang: "yaml".into(),
                    info: "yaml title".into(),
                    line: 10,
                    text: "b: 2\n".into()
                },
            ]
        );
        assert_eq!(
            fenced_blocks(page, "text")[0].text,
            "```yaml\nnot: a block\n"
        );
    }
}
