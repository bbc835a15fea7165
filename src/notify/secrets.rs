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

    /// `text` with every secret value replaced by `[secret]` — also the parts of a webhook URL
    /// a server may echo on its own: the path and query of the request, the query, and long
    /// path segments (the token of a Slack URL).
    pub fn redact(&self, text: &str) -> String {
        let mut forms: Vec<String> = Vec::new();
        for value in self.values.values() {
            let value = value.expose_secret();
            forms.push(value.to_owned());
            if let Ok(url) = reqwest::Url::parse(value) {
                let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
                forms.push(format!("{}{query}", url.path()));
                forms.extend(url.query().map(str::to_owned));
                forms.extend(
                    url.path_segments()
                        .into_iter()
                        .flatten()
                        .filter(|s| s.len() >= LONG_SEGMENT)
                        .map(str::to_owned),
                );
            }
        }
        forms.retain(|f| f.len() >= 4);
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let mut text = text.to_owned();
        for form in &forms {
            if text.contains(form.as_str()) {
                text = text.replace(form.as_str(), "[secret]");
            }
        }
        text
    }
}

/// Path segments of a webhook URL this long are tokens.
const LONG_SEGMENT: usize = 16;

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
            "posting to [secret] failed"
        );
    }

    #[test]
    fn parts_of_a_webhook_url_a_server_echoes_are_redacted_too() {
        let config: crate::config::Config = crate::config::parse(
            "notify:\n  channels:\n    - { name: a, type: slack, webhook_env: A_URL }\n    - name: m\n      type: email\n      smtp: { host: localhost, security: none, username: u, password_env: PW, from: a@b.example, to: [c@d.example] }\n",
            "t",
        )
        .unwrap();
        let secrets = Secrets::from_lookup(&config.notify, |name| match name {
            "A_URL" => Some(
                "https://hooks.example/services/T0/B0/XXXXXXXXXXXXXXXXXXXXXXXX?token=abcdef"
                    .to_owned(),
            ),
            "PW" => Some("hunter22".to_owned()),
            _ => None,
        });
        assert_eq!(
            secrets.redact(
                "404 for POST /services/T0/B0/XXXXXXXXXXXXXXXXXXXXXXXX?token=abcdef; \
                 token=abcdef; no such hook XXXXXXXXXXXXXXXXXXXXXXXX; auth hunter22 refused"
            ),
            "404 for POST [secret]; [secret]; no such hook [secret]; auth [secret] refused"
        );
    }
}
