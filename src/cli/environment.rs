//! The `--env` flag: a name from `environments` in the configuration.
use super::Failure;
use crate::config::Config;

/// `name`, when it is one of the configured environments; else a usage error naming the flag,
/// the environments and the key to check.
pub fn configured_environment<'a>(config: &Config, name: &'a str) -> Result<&'a str, Failure> {
    if config.environments.iter().any(|e| e == name) {
        return Ok(name);
    }
    Err(Failure::usage(anyhow::anyhow!(
        "--env {name} is not one of the configured environments ({}); check `environments` in \
         shipgate.yml",
        config.environments.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_configured_environment_passes() {
        let config = Config::default();
        assert_eq!(
            configured_environment(&config, "production").ok(),
            Some("production")
        );
        let error = configured_environment(&config, "prod")
            .err()
            .map(|f| f.error.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "--env prod is not one of the configured environments (stage, production); \
                 check `environments` in shipgate.yml"
            )
        );
    }
}
