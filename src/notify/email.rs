//! The `email` channel: one message with plain-text and HTML parts to every recipient, over
//! SMTP with STARTTLS, TLS or (for a relay on the same host) no encryption.
use std::path::Path;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use super::templates::Message;
use super::webhook::AttemptError;
use crate::config::notify::{Smtp, SmtpSecurity};

/// Send `message` once.
pub(crate) async fn send(
    smtp: &Smtp,
    password: Option<&SecretString>,
    message: &Message,
    timeout: Duration,
    base_dir: &Path,
) -> Result<(), AttemptError> {
    if password.is_some() && smtp.security == SmtpSecurity::None && !smtp.is_loopback() {
        return Err(AttemptError::Permanent(format!(
            "not sending the password in clear to {}: use `security: starttls` or `tls`",
            smtp.host
        )));
    }
    let email = build(smtp, message)?;
    let tls = tls_parameters(smtp, base_dir)?;
    let port = smtp.port.unwrap_or(match smtp.security {
        SmtpSecurity::Starttls => 587,
        SmtpSecurity::Tls => 465,
        SmtpSecurity::None => 25,
    });
    let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host).tls(
        match (smtp.security, tls) {
            (SmtpSecurity::Starttls, Some(tls)) => Tls::Required(tls),
            (SmtpSecurity::Tls, Some(tls)) => Tls::Wrapper(tls),
            _ => Tls::None,
        },
    );
    let mut builder = builder.port(port).timeout(Some(timeout));
    if let Some(password) = password {
        builder = builder.credentials(Credentials::new(
            smtp.username.clone(),
            password.expose_secret().to_owned(),
        ));
    }
    let transport = builder.build();
    // lettre's own timeout covers connecting, not every answer: bound the whole attempt.
    let sent = tokio::time::timeout(timeout, transport.send(email))
        .await
        .map_err(|_| {
            AttemptError::Transient(format!(
                "SMTP {}:{port}: no answer within {}",
                smtp.host,
                crate::config::Span::from_duration(timeout)
            ))
        })?;
    sent.map(|_| ()).map_err(|e| {
        let text = format!("SMTP {}:{port}: {e}", smtp.host);
        if e.is_permanent() {
            AttemptError::Permanent(text)
        } else {
            AttemptError::Transient(text)
        }
    })
}

/// TLS settings for the server's host name, trusting `ca_file` too when given; `None` for
/// `security: none`.
fn tls_parameters(smtp: &Smtp, base_dir: &Path) -> Result<Option<TlsParameters>, AttemptError> {
    if smtp.security == SmtpSecurity::None {
        return Ok(None);
    }
    let mut builder = TlsParameters::builder(smtp.host.clone());
    if !smtp.ca_file.is_empty() {
        let path = base_dir.join(&smtp.ca_file);
        let pem = std::fs::read(&path).map_err(|e| {
            AttemptError::Permanent(format!("smtp.ca_file {}: {e}", path.display()))
        })?;
        let certificate = Certificate::from_pem(&pem).map_err(|e| {
            AttemptError::Permanent(format!("smtp.ca_file {}: {e}", path.display()))
        })?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build_rustls()
        .map(Some)
        .map_err(|e| AttemptError::Permanent(format!("TLS for {}: {e}", smtp.host)))
}

/// The e-mail: subject from the title, a plain-text part and an HTML part.
fn build(smtp: &Smtp, message: &Message) -> Result<lettre::Message, AttemptError> {
    let mailbox = |text: &str| {
        text.parse::<Mailbox>()
            .map_err(|e| AttemptError::Permanent(format!("invalid address `{text}`: {e}")))
    };
    let mut builder = lettre::Message::builder()
        .from(mailbox(&smtp.from)?)
        .subject(message.title.clone());
    for to in &smtp.to {
        builder = builder.to(mailbox(to)?);
    }
    let plain = format!("{}\n\n{}\n", message.title, message.text);
    builder
        .multipart(MultiPart::alternative_plain_html(plain, html(message)))
        .map_err(|e| AttemptError::Permanent(format!("cannot build the e-mail: {e}")))
}

/// A small HTML document: the title as a heading, the text's lines as paragraphs.
fn html(message: &Message) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html><body>\n<h2>{}</h2>\n",
        escape(&message.title)
    );
    for paragraph in message.text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let lines: Vec<String> = paragraph.lines().map(escape).collect();
        out.push_str(&format!("<p>{}</p>\n", lines.join("<br>\n")));
    }
    out.push_str("</body></html>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_part_is_escaped_paragraphs() {
        let message = Message {
            title: "v1 <live>".into(),
            text: "a & b\nc\n\nd".into(),
            markdown: String::new(),
            slack_title: String::new(),
            slack_text: String::new(),
        };
        assert_eq!(
            html(&message),
            "<!DOCTYPE html>\n<html><body>\n<h2>v1 &lt;live&gt;</h2>\n<p>a &amp; b<br>\nc</p>\n<p>d</p>\n</body></html>\n"
        );
    }
}
