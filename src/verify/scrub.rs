//! Secret values kept out of everything `shipgate-verify` prints or writes: the header values
//! gates read from the environment, replaced by [`PLACEHOLDER`] wherever a server's answer or
//! a command's output repeats them.
use secrecy::{ExposeSecret, SecretString};

use super::model::{Check, Gate};

/// What a secret value is replaced with.
pub const PLACEHOLDER: &str = "[secret]";

/// Shorter values are not searched for: replacing two letters everywhere would garble the
/// report without hiding anything worth hiding.
const SHORTEST: usize = 4;

/// Words of a secret value this long are replaced on their own too: the token of
/// `Bearer TOKEN`, which a server may echo without its scheme.
const SHORTEST_WORD: usize = 8;

/// The secret values of a set of gates, and the forms in which they may be echoed.
#[derive(Clone, Default)]
pub struct Scrubber {
    /// Longest first, so a value containing another one is replaced whole.
    forms: Vec<SecretString>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scrubber({} forms)", self.forms.len())
    }
}

impl Scrubber {
    /// The header values of every `http` gate of `gates`.
    pub fn from_gates(gates: &[Gate]) -> Self {
        Self::new(gates.iter().flat_map(|gate| match &gate.check {
            Check::Http(http) => http.headers.iter().map(|(_, value)| value).collect(),
            _ => Vec::new(),
        }))
    }

    /// The values of `secrets`, each also as its long words and as JSON writes it.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a SecretString>) -> Self {
        let mut forms: Vec<String> = Vec::new();
        for secret in secrets {
            let value = secret.expose_secret();
            let json = serde_json::to_string(value).unwrap_or_default();
            let json = json.trim_matches('"');
            let words = value
                .split_whitespace()
                .filter(|w| w.chars().count() >= SHORTEST_WORD);
            for form in [value, json].into_iter().chain(words) {
                if form.chars().count() >= SHORTEST && !forms.iter().any(|f| f == form) {
                    forms.push(form.to_owned());
                }
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        Self {
            forms: forms.into_iter().map(SecretString::from).collect(),
        }
    }

    /// `text` with every secret form replaced by [`PLACEHOLDER`].
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for form in &self.forms {
            let form = form.expose_secret();
            if text.contains(form) {
                text = text.replace(form, PLACEHOLDER);
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubber(values: &[&str]) -> Scrubber {
        let secrets: Vec<SecretString> = values.iter().map(|v| SecretString::from(*v)).collect();
        Scrubber::new(&secrets)
    }

    #[test]
    fn values_their_tokens_and_json_forms_are_replaced() {
        let s = scrubber(&["Bearer s3cret-smoke-token", "k\"ey-1234", "ab"]);
        assert_eq!(
            s.scrub("authorization: Bearer s3cret-smoke-token, token s3cret-smoke-token"),
            "authorization: [secret], token [secret]"
        );
        assert_eq!(
            s.scrub(r#"{"x-key":"k\"ey-1234"}"#),
            r#"{"x-key":"[secret]"}"#
        );
        assert_eq!(s.scrub("Bearer ab"), "Bearer ab", "short values stay");
        assert_eq!(format!("{s:?}"), "Scrubber(4 forms)");
    }

    #[test]
    fn nothing_to_scrub_leaves_the_text_alone() {
        assert_eq!(Scrubber::default().scrub("a [b] c"), "a [b] c");
    }
}
