//! Deserialising small validated values from YAML strings.
//!
//! The check runs inside the visitor, so serde_yaml attaches the position of the offending
//! scalar to the error (a `#[serde(try_from = "String")]` conversion would run after the
//! scalar was consumed and report the enclosing mapping instead).
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// A value written as one YAML string and checked by its `FromStr` impl, whose error is a
/// complete, user-facing sentence.
pub(crate) trait TextScalar: FromStr<Err = String> {
    /// What a valid value looks like, for "invalid type" errors.
    const EXPECTING: &'static str;
}

/// Deserialises `T` from a string scalar, validating it where it stands.
pub(crate) fn deserialize_text<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TextScalar,
{
    deserializer.deserialize_str(TextVisitor(PhantomData))
}

struct TextVisitor<T>(PhantomData<T>);

impl<T: TextScalar> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(E::custom)
    }
}

/// Implements `Deserialize` (through [`deserialize_text`]) and `Serialize` (through
/// `Display`) for [`TextScalar`] types.
macro_rules! text_scalar_serde {
    ($($ty:ty),*) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::config::text_scalar::deserialize_text(deserializer)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    )*};
}

pub(crate) use text_scalar_serde;
