//! Invoice e-mails: N `invoice.issued` notices rendered (minijinja), stored (exactly once per
//! event, recipient and channel) and delivered over SMTP (lettre) with their evidence, to a
//! real local SMTP server (`deploy/local/smtp-sink.py`), against the floor in the same run:
//! lettre handing the same pre-rendered messages to the same server over the same single
//! connection, nothing else. Needs PostgreSQL at `DATABASE_URL` (a server URL) and Debian's
//! python3-aiosmtpd; `BENCH_NOTICES` changes the count.
//!
//! The bar (notification issue): at least 50 % of the floor's messages per second.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::float_arithmetic,
    clippy::cast_precision_loss
)]

use std::{sync::Arc, time::Instant};

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor, message::MultiPart};
use pactum_bus::Outbox;
use pactum_domain::{Clock, CustomerId, EmailAddress};
use pactum_notification::{
    adapters::{postgres::PgNotices, smtp::SmtpMailer, templates::Templates},
    application::notices::{Deliveries, Facts, Renderer, notices_for},
    config::Config,
    domain::{catalogue::INVOICE_ISSUED, contact::Contact},
    startup::Application,
};
use pactum_testkit::{TestDatabase, TestSmtp};
use uuid::Uuid;

const BAR: f64 = 0.5;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let n: usize = std::env::var("BENCH_NOTICES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let small = n < 1_000;
    let db = TestDatabase::create().await;
    let smtp = TestSmtp::start().await;
    let config = Config {
        service: pactum_testkit::bench_config(&db.url),
        smtp_url: smtp.url(),
        mail_from: "Pactum <notices@pactum.example>".parse().unwrap(),
        delivery_interval: std::time::Duration::from_secs(3600),
    };
    let app = Application::build(config.clone()).await.expect("migrates");
    let pool = app.pool().clone();
    let templates = Arc::new(Templates::new().unwrap());
    let contact = Contact {
        customer_id: CustomerId::new(),
        customer_name: "Acme B.V.".into(),
        primary_contact_email: EmailAddress::parse("finance@acme.nl").unwrap(),
        changed_at: chrono::Utc::now(),
        source_event_id: Uuid::now_v7(),
        language: Default::default(),
        mute_informational_email: false,
    };
    let facts = |i: usize| -> Facts {
        Facts::from([
            ("customer_name", "Acme B.V.".to_owned()),
            ("invoice_number", format!("2026-{i:06}")),
            ("total", "EUR 121.00".to_owned()),
            ("due_date", "2026-01-15".to_owned()),
        ])
    };

    // The floor: the same messages, rendered beforehand, handed to the server one by one.
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url()).unwrap().build();
    let messages: Vec<Message> = (0..n)
        .map(|i| {
            let rendered = templates.render(&INVOICE_ISSUED, Default::default(), &facts(i)).unwrap();
            Message::builder()
                .from(config.mail_from.clone())
                .to("finance@acme.nl".parse().unwrap())
                .subject(rendered.subject)
                .multipart(MultiPart::alternative_plain_html(rendered.text, rendered.html))
                .unwrap()
        })
        .collect();
    let started = Instant::now();
    for message in &messages {
        transport.send(message.clone()).await.unwrap();
    }
    let floor = started.elapsed();
    drop(messages);

    // Pactum: render, store exactly once (e-mail and inbox), deliver with evidence.
    let (clock, _) = Clock::held_at(chrono::Utc::now());
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut tx = pool.begin().await.unwrap();
        for &i in chunk {
            let rendered = templates.render(&INVOICE_ISSUED, Default::default(), &facts(i)).unwrap();
            for notice in notices_for(&INVOICE_ISSUED, &contact, &rendered, (Uuid::now_v7(), "bench"), clock.now()) {
                pactum_notification::adapters::postgres::insert_notice(&mut tx, &notice).await.unwrap();
            }
        }
        tx.commit().await.unwrap();
    }
    let mailer = SmtpMailer::new(&smtp.url(), config.mail_from.clone()).unwrap();
    let deliveries = Deliveries::new(PgNotices::new(pool.clone(), Outbox::new("notification")), mailer, clock);
    while deliveries.deliver_due().await.unwrap() > 0 {}
    let pactum = started.elapsed();

    let sent: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notification.notices WHERE channel = 'email' AND status = 'sent'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(sent, i64::try_from(n).unwrap(), "every e-mail was sent");
    assert_eq!(smtp.received(), 2 * n, "the server received the floor's and Pactum's");

    let rate = |d: std::time::Duration| n as f64 / d.as_secs_f64();
    let ratio = floor.as_secs_f64() / pactum.as_secs_f64();
    println!("invoice e-mails:  {n}");
    println!(
        "pactum:           {:>8.2} s  {:>8.0} e-mails/s  (render, store e-mail + inbox, deliver, evidence)",
        pactum.as_secs_f64(),
        rate(pactum)
    );
    println!(
        "floor (lettre):   {:>8.2} s  {:>8.0} e-mails/s  (pre-rendered, send only)",
        floor.as_secs_f64(),
        rate(floor)
    );
    println!("ratio:            {:>8.1} %  (bar: at least {:.0} %)", ratio * 100.0, BAR * 100.0);
    println!("peak memory:      {:>8.1} MB", peak_rss_mb());
    if small {
        println!("small mode: bar not checked");
    } else if ratio < BAR {
        eprintln!("below the bar");
        std::process::exit(1);
    }
}
