//! Step outputs: ordered `(key, value)` pairs with kebab-case keys.
use super::CiError;

/// Step outputs in the order they were first set. Keys are kebab-case (`previous-version`);
/// setting a key again replaces its value in place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    pairs: Vec<(String, String)>,
    /// Keys set with [`Outputs::set_multiline`].
    multiline: Vec<String>,
}

impl Outputs {
    /// No outputs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`; fails if `key` is not kebab-case.
    pub fn set(&mut self, key: &str, value: impl Into<String>) -> Result<&mut Self, CiError> {
        if !is_kebab_case(key) {
            return Err(CiError::InvalidKey(key.to_owned()));
        }
        let value = value.into();
        match self.pairs.iter_mut().find(|(k, _)| k == key) {
            Some((_, old)) => *old = value,
            None => self.pairs.push((key.to_owned(), value)),
        }
        self.multiline.retain(|k| k != key);
        Ok(self)
    }

    /// Sets `key` to a value that may span lines (release notes). `$GITHUB_OUTPUT` carries it;
    /// GitLab's dotenv report cannot, and leaves it out when it does span lines (where a value
    /// set with [`Outputs::set`] would be an error).
    pub fn set_multiline(
        &mut self,
        key: &str,
        value: impl Into<String>,
    ) -> Result<&mut Self, CiError> {
        self.set(key, value)?;
        self.multiline.push(key.to_owned());
        Ok(self)
    }

    /// Whether `key` was set with [`Outputs::set_multiline`].
    pub fn is_multiline(&self, key: &str) -> bool {
        self.multiline.iter().any(|k| k == key)
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// How many pairs.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// `previous-version`, `order`, `v2`: lowercase ASCII words joined by single dashes.
fn is_kebab_case(key: &str) -> bool {
    !key.is_empty()
        && key.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_replaces_in_place() {
        let mut o = Outputs::new();
        o.set("version", "1.2.3")
            .unwrap()
            .set("previous-version", "1.2.2")
            .unwrap();
        o.set("version", "1.3.0").unwrap();
        let pairs: Vec<_> = o.iter().collect();
        assert_eq!(pairs, [("version", "1.3.0"), ("previous-version", "1.2.2")]);
        assert_eq!(o.get("previous-version"), Some("1.2.2"));
        assert_eq!(o.len(), 2);
    }

    #[test]
    fn keys_must_be_kebab_case() {
        let mut o = Outputs::new();
        for bad in [
            "",
            "Version",
            "previous_version",
            "-a",
            "a-",
            "a--b",
            "a b",
            "a=b",
        ] {
            assert!(
                matches!(o.set(bad, "x"), Err(CiError::InvalidKey(_))),
                "{bad}"
            );
        }
        assert!(o.is_empty());
        assert_eq!(
            CiError::InvalidKey("a_b".into()).to_string(),
            "invalid output key `a_b`: use lowercase letters and digits separated by single \
             dashes, e.g. previous-version"
        );
    }
}
