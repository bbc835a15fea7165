//! Markers proven unaltered. shipgate decides from hidden markers in its own comments (which
//! command it accepted, which release an issue tracks), and people with write access can edit
//! any comment. A marker counts only when it is proven: sealed with an HMAC-SHA256 keyed by a
//! secret only the deploy workflow holds (`SHIPGATE_SIGNING_KEY`), bound to its issue; or, with
//! no key configured, written in a comment nobody edited since.
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::forge::Comment;

/// The field that carries the seal, last in a marker.
const SIG: &str = " sig=";

/// The signing key, if one is configured.
#[derive(Clone, Default)]
pub struct Seal {
    key: Option<SecretString>,
}

impl fmt::Debug for Seal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Seal")
            .field("keyed", &self.key.is_some())
            .finish()
    }
}

/// Why a marker does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unproven {
    /// No key is configured and the comment was edited after it was written.
    #[error("its comment was edited after shipgate wrote it")]
    Edited,
    /// A key is configured and the marker carries no seal.
    #[error("it carries no seal while SHIPGATE_SIGNING_KEY is set")]
    Unsealed,
    /// The seal does not match the marker (altered, moved from another issue, or another key).
    #[error("its seal does not match its text")]
    BadSeal,
}

impl Seal {
    /// A seal with `key`; an empty key counts as none.
    pub fn new(key: Option<SecretString>) -> Self {
        Self {
            key: key.filter(|k| !k.expose_secret().is_empty()),
        }
    }

    /// Whether a key is configured.
    pub fn keyed(&self) -> bool {
        self.key.is_some()
    }

    /// `fields`, sealed for `context` (the issue the marker stands on) when a key is configured.
    pub fn seal(&self, context: &str, fields: &str) -> String {
        match self.mac(context, fields) {
            Some(mac) => format!("{fields}{SIG}{}", hex(&mac.finalize().into_bytes())),
            None => fields.to_owned(),
        }
    }

    /// The fields of `sealed` (a marker's text, as [`Seal::seal`] wrote it) if they are proven
    /// for `context` in `comment`.
    pub fn open<'a>(
        &self,
        context: &str,
        sealed: &'a str,
        comment: &Comment,
    ) -> Result<&'a str, Unproven> {
        let (fields, sig) = match sealed.rsplit_once(SIG) {
            Some((fields, sig)) => (fields, Some(sig)),
            None => (sealed, None),
        };
        let Some(mac) = self.mac(context, fields) else {
            return if comment.updated_at == comment.created_at {
                Ok(fields)
            } else {
                Err(Unproven::Edited)
            };
        };
        let sig = sig.ok_or(Unproven::Unsealed)?;
        let bytes = unhex(sig).ok_or(Unproven::BadSeal)?;
        mac.verify_slice(&bytes).map_err(|_| Unproven::BadSeal)?;
        Ok(fields)
    }

    fn mac(&self, context: &str, fields: &str) -> Option<Hmac<Sha256>> {
        let key = self.key.as_ref()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key.expose_secret().as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(context.as_bytes());
        mac.update(b"\n");
        mac.update(fields.as_bytes());
        Some(mac)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(edited: bool) -> Comment {
        Comment {
            id: 1,
            body: String::new(),
            author: "bot".to_owned(),
            author_is_bot: true,
            created_at: "2026-11-24T10:00:00Z".parse().unwrap(),
            updated_at: if edited {
                "2026-11-24T10:05:00Z"
            } else {
                "2026-11-24T10:00:00Z"
            }
            .parse()
            .unwrap(),
            system: false,
            url: None,
        }
    }

    fn keyed(key: &str) -> Seal {
        Seal::new(Some(SecretString::from(key.to_owned())))
    }

    #[test]
    fn a_sealed_marker_opens_in_its_own_issue_only() {
        let seal = keyed("s3cret");
        let sealed = seal.seal("issue 12", "41 accepted promote env=production");
        assert!(sealed.starts_with("41 accepted promote env=production sig="));
        let edited = comment(true);
        assert_eq!(
            seal.open("issue 12", &sealed, &edited),
            Ok("41 accepted promote env=production")
        );
        assert_eq!(
            seal.open("issue 13", &sealed, &edited),
            Err(Unproven::BadSeal)
        );
        let altered = sealed.replace("production", "staging");
        assert_eq!(
            seal.open("issue 12", &altered, &edited),
            Err(Unproven::BadSeal)
        );
        assert_eq!(
            keyed("other").open("issue 12", &sealed, &edited),
            Err(Unproven::BadSeal)
        );
        assert_eq!(
            seal.open("issue 12", "41 accepted promote", &comment(false)),
            Err(Unproven::Unsealed)
        );
    }

    #[test]
    fn without_a_key_only_unedited_comments_count() {
        let seal = Seal::new(Some(SecretString::from(String::new())));
        assert!(!seal.keyed());
        assert_eq!(seal.seal("issue 1", "a b"), "a b");
        assert_eq!(seal.open("issue 1", "a b", &comment(false)), Ok("a b"));
        assert_eq!(
            seal.open("issue 1", "a b", &comment(true)),
            Err(Unproven::Edited)
        );
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        assert!(!format!("{:?}", keyed("s3cret")).contains("s3cret"));
    }
}
