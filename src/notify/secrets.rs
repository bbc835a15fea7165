//! The secrets channels need — webhook URLs and SMTP passwords — read from the environment
//! variables the config names, held as [`SecretString`] and kept out of every message.
use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};

use crate::config::NotifyConfig;

/// Secret values by the name of the variable that held them.
#[derive(Default)]
pub struct Secrets {
    values: BTreeMap<String, SecretString>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.values.keys()).finish()
    }
}

impl Secrets {
    /// The variables `config`'s channels name, read through `lookup` (empty values are missing).
    pub fn from_lookup(config: &NotifyConfig, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut values = BTreeMap::new();
        let names = config.channels.iter().flat_map(|c| {
            [
                Some(c.webhook_env.as_str()),
                c.smtp.as_ref().map(|s| s.password_env.as_str()),
            ]
        });
        for name in names.flatten().filter(|n| !n.is_empty()) {
            if let Some(value) = lookup(name).filter(|v| !v.is_empty()) {
                values.insert(name.to_owned(), SecretString::from(value));
            }
        }
        Self { values }
    }

    /// The value of `variable`, if it was set.
    pub fn get(&self, variable: &str) -> Option<&SecretString> {
        self.values.get(variable)
    }

    /// `text` with every secret value replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for value in self.values.values() {
            let value = value.expose_secret();
            if value.len() >= 4 {
                text = text.replace(value, "***");
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_named_variables_and_redacts_them() {
        let config: crate::config::Config = crate::config::parse(
            "notify:\n  channels:\n    - { name: a, type: slack, webhook_env: A_URL }\n    - { name: b, type: webhook, webhook_env: B_URL }\n",
            "t",
        )
        .unwrap();
        let secrets = Secrets::from_lookup(&config.notify, |name| match name {
            "A_URL" => Some("https://hooks.example/T0/B0/secret".to_owned()),
            "B_URL" => Some(String::new()),
            _ => Some("never read".to_owned()),
        });
        assert!(secrets.get("A_URL").is_some());
        assert!(secrets.get("B_URL").is_none());
        assert_eq!(format!("{secrets:?}"), "[\"A_URL\"]");
        assert_eq!(
            secrets.redact("posting to https://hooks.example/T0/B0/secret failed"),
            "posting to *** failed"
        );
    }
}
