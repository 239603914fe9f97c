//! E-mail over real SMTP (lettre): a pooled transport to `SMTP_URL`, one message per notice
//! with a Message-ID of its own, and the evidence of what was handed over.

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
    transport::smtp::{Error as SmtpError, response::Response},
};

use crate::{
    application::notices::{Mailer, Sent},
    domain::notice::{Delivery, Notice, sha256_hex},
};

/// Sends through one pooled SMTP transport.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of our Message-IDs.
    domain: String,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// `url` as lettre reads it: `smtp://host:port`, `smtps://user:pass@host:465`,
    /// `smtp://host:587?tls=required`.
    pub fn new(url: &str, from: Mailbox) -> Result<Self, SmtpError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let domain = from.email.domain().to_owned();
        Ok(Self { transport, from, domain })
    }

    /// The message of a notice. Its Message-ID comes from the notice id, so every attempt
    /// sends the same message (a mail client shows a duplicate once).
    fn message(&self, notice: &Notice) -> Result<Message, String> {
        let to: Mailbox = notice.recipient.parse().map_err(|e| format!("recipient {}: {e}", notice.recipient))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(notice.subject.clone())
            .message_id(Some(format!("<{}@{}>", notice.id, self.domain)))
            .multipart(MultiPart::alternative_plain_html(notice.body_text.clone(), notice.body_html.clone()))
            .map_err(|e| e.to_string())
    }
}

fn reply(response: &Response) -> (u16, String) {
    let code = response.code().to_string().parse().unwrap_or(0);
    (code, response.message().collect::<Vec<_>>().join(" "))
}

/// A transient failure is retried (4xx, no connection, a timeout); a 5xx is permanent.
fn classify(error: &SmtpError) -> Delivery {
    let code = error.status().and_then(|c| c.to_string().parse::<u16>().ok());
    let text = error.to_string();
    match code {
        Some(code) if error.is_permanent() => Delivery::Permanent { reply_code: code, reply_text: text },
        code => Delivery::Transient { reply_code: code, reply_text: text },
    }
}

impl Mailer for SmtpMailer {
    #[tracing::instrument(skip_all, fields(notice.id = %notice.id))]
    async fn send(&self, notice: &Notice) -> Sent {
        let message_id = format!("<{}@{}>", notice.id, self.domain);
        let message = match self.message(notice) {
            Ok(message) => message,
            Err(error) => {
                return Sent {
                    delivery: Delivery::Permanent {
                        reply_code: 0,
                        reply_text: format!("cannot build the message: {error}"),
                    },
                    message_id,
                    content_sha256: String::new(),
                };
            }
        };
        let bytes = message.formatted();
        let content_sha256 = sha256_hex(&bytes);
        let delivery = match self.transport.send_raw(message.envelope(), &bytes).await {
            Ok(response) => {
                let (reply_code, reply_text) = reply(&response);
                Delivery::Accepted { reply_code, reply_text }
            }
            Err(error) => {
                tracing::warn!(error = %error, "SMTP refused or failed");
                classify(&error)
            }
        };
        Sent { delivery, message_id, content_sha256 }
    }
}
