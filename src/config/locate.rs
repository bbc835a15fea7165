//! Finding where a key's value stands in the YAML text, for errors found after
//! deserialisation (an empty `environments`, a vacation that ends before it starts).
//!
//! serde_yaml exposes no spans, but it stamps every error raised inside a visitor with the
//! position of the node being visited. [`locate`] walks the document along a path and raises
//! an error on purpose at the target node, then reads that error's position.
use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A mapping key.
    Key(&'static str),
    /// A mapping key chosen by the user, such as an environment's name.
    Name(String),
    /// A sequence index, 0-based.
    Index(usize),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Key(key) => write!(f, ".{key}"),
            Self::Name(key) => write!(f, ".{key}"),
            Self::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path as users read it: `windows.vacations[0]`.
pub(crate) fn display_path(path: &[Step]) -> String {
    let joined: String = path.iter().map(Step::to_string).collect();
    joined.trim_start_matches('.').to_owned()
}

/// The 1-based (line, column) of the value at `path` in `text`, or of the deepest part of
/// the path that exists; `None` if even the root cannot be read.
pub(crate) fn locate(text: &str, path: &[Step]) -> Option<(usize, usize)> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    match Walk(path).deserialize(deserializer) {
        Ok(()) => None,
        Err(err) => err.location().map(|l| (l.line(), l.column())),
    }
}

/// Marker message of the deliberate error; never shown.
const FOUND: &str = "shipgate: node found";

struct Walk<'p>(&'p [Step]);

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (wanted, rest) = match self.0.split_first() {
            Some((Step::Key(key), rest)) => (*key, rest),
            Some((Step::Name(key), rest)) => (key.as_str(), rest),
            _ => return Err(de::Error::custom(FOUND)),
        };
        while let Some(key) = map.next_key::<serde_yaml::Value>()? {
            if key.as_str() == Some(wanted) {
                return map.next_value_seed(Walk(rest));
            }
            map.next_value::<IgnoredAny>()?;
        }
        // The key is absent: point at this mapping.
        Err(de::Error::custom(FOUND))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((Step::Index(wanted), rest)) = self.0.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        for _ in 0..*wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom(FOUND));
            }
        }
        match seq.next_element_seed(Walk(rest))? {
            Some(()) => Ok(()),
            None => Err(de::Error::custom(FOUND)),
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<(), D::Error> {
        Err(de::Error::custom(FOUND))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
# comment
environments: []
windows:
  vacations:
    - { from: 2026-08-03, to: 2026-08-01 }
    - from: 2026-09-01
      to: 2026-08-01
";

    #[test]
    fn finds_values_at_paths() {
        assert_eq!(locate(DOC, &[Step::Key("environments")]), Some((2, 15)));
        let second = [Step::Key("windows"), Step::Key("vacations"), Step::Index(1)];
        assert_eq!(locate(DOC, &second), Some((6, 7)));
        let to = [
            Step::Key("windows"),
            Step::Key("vacations"),
            Step::Index(0),
            Step::Key("to"),
        ];
        assert_eq!(locate(DOC, &to), Some((5, 31)));
    }

    #[test]
    fn falls_back_to_the_deepest_existing_node() {
        assert_eq!(
            locate(DOC, &[Step::Key("windows"), Step::Key("hours")]),
            Some((4, 3))
        );
    }

    #[test]
    fn paths_display_like_users_write_them() {
        let path = [Step::Key("windows"), Step::Key("vacations"), Step::Index(0)];
        assert_eq!(display_path(&path), "windows.vacations[0]");
    }
}
