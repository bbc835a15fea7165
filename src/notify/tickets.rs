//! Tickets a release mentions: `Refs:`/`Closes:`/`Fixes:` footers, `#123`, and keys matching
//! the configured pattern (`ABC-123` by default).
use regex::Regex;

use super::facts::Ticket;

/// Footer tokens whose values name tickets.
const FOOTERS: [&str; 4] = ["refs", "closes", "fixes", "resolves"];

/// The tickets mentioned by `messages` (newest commit first, as history walks), in order of
/// first mention from the oldest commit, without repeats. `url` (with `{ticket}`) links them.
pub fn collect_tickets(messages: &[String], pattern: &Regex, url: &str) -> Vec<Ticket> {
    let hash = Regex::new(r"(?:^|[\s(,])(#[0-9]+)\b").expect("a valid pattern");
    let mut keys: Vec<String> = Vec::new();
    let mut add = |key: &str| {
        let key = key.trim().trim_end_matches(['.', ',', ';']);
        if !key.is_empty() && !keys.iter().any(|k| k == key) {
            keys.push(key.to_owned());
        }
    };
    for message in messages.iter().rev() {
        if let Ok(commit) = git_conventional::Commit::parse(message.trim()) {
            for footer in commit.footers() {
                if FOOTERS
                    .iter()
                    .any(|f| footer.token().as_str().eq_ignore_ascii_case(f))
                {
                    footer.value().split([',', ' ', '\n']).for_each(&mut add);
                }
            }
        }
        for m in pattern.find_iter(message) {
            add(m.as_str());
        }
        for c in hash.captures_iter(message) {
            add(&c[1]);
        }
    }
    keys.into_iter()
        .map(|key| Ticket {
            url: (!url.is_empty()).then(|| url.replace("{ticket}", key.trim_start_matches('#'))),
            key,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::notify::DEFAULT_TICKET_PATTERN;

    fn keys(messages: &[&str]) -> Vec<String> {
        let messages: Vec<String> = messages.iter().map(|m| (*m).to_owned()).collect();
        let pattern = Regex::new(DEFAULT_TICKET_PATTERN).unwrap();
        collect_tickets(&messages, &pattern, "")
            .into_iter()
            .map(|t| t.key)
            .collect()
    }

    #[test]
    fn footers_hashes_and_keys_oldest_first_without_repeats() {
        assert_eq!(
            keys(&[
                "fix: totals (#45)\n\nRefs: SHOP-12",
                "feat(cart): coupons\n\nCloses: SHOP-7, #40\nRefs: INC42",
                "chore: bump SHOP-7",
            ]),
            ["SHOP-7", "#40", "INC42", "SHOP-12", "#45"]
        );
    }

    #[test]
    fn plain_messages_count_too_and_anchors_do_not() {
        assert_eq!(
            keys(&["Update README for OPS-3", "see issue#9 and http://x/#12"]),
            ["OPS-3"]
        );
    }

    #[test]
    fn links_drop_the_hash() {
        let pattern = Regex::new(DEFAULT_TICKET_PATTERN).unwrap();
        let t = collect_tickets(
            &["fix: x (#5) ABC-1".to_owned()],
            &pattern,
            "https://t.example/{ticket}",
        );
        assert_eq!(t[0].url.as_deref(), Some("https://t.example/ABC-1"));
        assert_eq!(t[1].url.as_deref(), Some("https://t.example/5"));
    }
}
