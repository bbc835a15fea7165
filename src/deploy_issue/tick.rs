//! Ticking one runbook item of a body, leaving every other byte as it is.
use super::sections::{CHECKLIST_END, CHECKLIST_START, one_line};

/// `body` with the unticked checklist item whose text is `item_text` ticked (`- [ ]` →
/// `- [x]`), or `None` when there is nothing to do: the item is already ticked, or the
/// checklist (between its hidden markers) has no such item. Only the runbook checklist is
/// looked at, never task lists elsewhere (the notes); texts are compared as rendered (on one
/// line, trimmed).
pub fn tick_in_body(body: &str, item_text: &str) -> Option<String> {
    let wanted = one_line(item_text);
    let start = body.find(CHECKLIST_START)? + CHECKLIST_START.len();
    let end = body[start..]
        .find(CHECKLIST_END)
        .map_or(body.len(), |e| start + e);
    let mut offset = start;
    for line in body[start..end].split_inclusive('\n') {
        if let Some(box_at) = unticked_box(line, &wanted) {
            let at = offset + box_at;
            return Some(format!("{}[x]{}", &body[..at], &body[at + 3..]));
        }
        offset += line.len();
    }
    None
}

/// Where `[ ]` starts in `line` when it is an unticked task whose text is `wanted`.
fn unticked_box(line: &str, wanted: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = line.trim_start().strip_prefix(['-', '*', '+'])?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let spaces = rest.len() - rest.trim_start().len();
    let text = rest.trim_start().strip_prefix("[ ]")?;
    (text.trim() == wanted).then_some(indent + 1 + spaces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy_issue::{parse, render, sample};

    #[test]
    fn ticks_the_item_and_nothing_else() {
        let body = render(&sample::full());
        let after = tick_in_body(&body, "Stage verified").unwrap();
        assert_eq!(
            after,
            body.replacen("- [ ] Stage verified", "- [x] Stage verified", 1)
        );
        let items = parse(&after).checklist;
        let ticked: Vec<&str> = items
            .iter()
            .filter(|i| i.checked)
            .map(|i| i.text.as_str())
            .collect();
        assert!(ticked.contains(&"Stage verified"));
        assert_eq!(
            tick_in_body(&after, "Stage verified"),
            None,
            "already ticked"
        );
        assert_eq!(tick_in_body(&body, "Stage verifie"), None, "no such item");
        assert_eq!(
            tick_in_body(&body, "  Stage\n verified "),
            Some(after),
            "as rendered"
        );
    }

    #[test]
    fn only_the_runbook_checklist_is_touched() {
        let body = "notes\n- [ ] Backups verified\n<!-- shipgate:checklist -->\n* [X] One\n  +  [ ]  Backups verified  \r\n- [ ] Two\n<!-- /shipgate:checklist -->\n- [ ] Two\n";
        assert_eq!(
            tick_in_body(body, "Backups verified").unwrap(),
            "notes\n- [ ] Backups verified\n<!-- shipgate:checklist -->\n* [X] One\n  +  [x]  Backups verified  \r\n- [ ] Two\n<!-- /shipgate:checklist -->\n- [ ] Two\n"
        );
        assert_eq!(
            tick_in_body("- [ ] Two\n", "Two"),
            None,
            "no checklist markers"
        );
        assert_eq!(tick_in_body(body, "One"), None);
        assert!(
            tick_in_body(body, "Two")
                .unwrap()
                .ends_with("- [x] Two\n<!-- /shipgate:checklist -->\n- [ ] Two\n")
        );
    }
}
