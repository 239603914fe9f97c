//! Test infrastructure for the services' test binaries: every test gets a database of its own
//! on the real PostgreSQL, and a NATS server (with JetStream) of its own, so tests run in
//! parallel without seeing each other's rows, streams or consumers.
//!
//! `DATABASE_URL` points at the server to create test databases on (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); `NATS_SERVER_BIN` names the `nats-server`
//! binary (default: from `PATH`). The README's test command makes sure both exist.

#![allow(clippy::missing_panics_doc, clippy::expect_used)]

pub mod grpc;
pub mod retries;
mod service;
mod smtp;
pub mod streams;

pub use service::{TEST_EPOCH, TestService, spawn};
pub use smtp::TestSmtp;

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    str::FromStr,
    time::{Duration, Instant},
};

use sqlx::{Connection, PgConnection, postgres::PgConnectOptions};

/// Test databases are named with this prefix; the test command drops leftovers before a run.
pub const TEST_DATABASE_PREFIX: &str = "pactum_test_";

fn server_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database of its own for one test.
#[derive(Debug, Clone)]
pub struct TestDatabase {
    pub name: String,
    /// A URL for this database, for processes started by the test.
    pub url: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let base = server_url();
        let name = format!("{TEST_DATABASE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        let options = PgConnectOptions::from_str(&base).expect("DATABASE_URL parses");
        let mut conn =
            PgConnection::connect_with(&options).await.expect("PostgreSQL at DATABASE_URL accepts connections");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await
            .expect("can create a test database");
        Self { url: with_database(&base, &name), name }
    }
}

/// `url` with its database name replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((u, q)) => (u, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = without_query.find("://").map_or(0, |i| i + 3);
    let authority_end = without_query[after_scheme..].find('/').map_or(without_query.len(), |i| after_scheme + i);
    format!("{}/{database}{query}", &without_query[..authority_end])
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("can bind a loopback port");
    listener.local_addr().expect("bound socket has an address").port()
}

/// A private `nats-server -js` on its own port and store directory. Stopped on drop.
#[derive(Debug)]
pub struct TestNats {
    pub port: u16,
    store: PathBuf,
    child: Option<Child>,
    /// A handle on a server another `TestNats` runs: it neither stops nor cleans it.
    borrowed: bool,
}

impl TestNats {
    pub async fn start() -> Self {
        let mut nats = Self::not_started();
        nats.resume().await;
        nats
    }

    /// Reserves a port and a store directory but starts nothing yet: "NATS is down".
    pub fn not_started() -> Self {
        let store = std::env::temp_dir().join(format!("pactum-nats-{}", uuid::Uuid::new_v4().simple()));
        Self { port: free_port(), store, child: None, borrowed: false }
    }

    /// Another handle on this server, for a second service under test on the same NATS.
    pub fn share(&self) -> Self {
        Self { port: self.port, store: self.store.clone(), child: None, borrowed: true }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port and store, and waits until it accepts clients.
    pub async fn resume(&mut self) {
        assert!(self.child.is_none(), "NATS already running");
        let binary = std::env::var("NATS_SERVER_BIN").unwrap_or_else(|_| "nats-server".to_owned());
        let child = Command::new(&binary)
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string(), "-js", "-sd"])
            .arg(&self.store)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {binary} (install Debian's nats-server or set NATS_SERVER_BIN): {e}")
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // JetStream answers once it has started, a little after the listener.
            let last_error = match async_nats::connect(self.url()).await {
                Ok(client) => match client.request("$JS.API.INFO", "".into()).await {
                    Ok(_) => return,
                    Err(e) => e.to_string(),
                },
                Err(e) => e.to_string(),
            };
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                panic!("{binary} exited at start with {status}");
            }
            assert!(Instant::now() < deadline, "nats-server on port {} did not start: {last_error}", self.port);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server (SIGKILL: as abrupt as a crash); streams on disk survive.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some() || self.borrowed
    }

    pub async fn client(&self) -> async_nats::Client {
        async_nats::connect(self.url()).await.expect("test NATS accepts clients")
    }
}

impl Drop for TestNats {
    fn drop(&mut self) {
        if self.borrowed {
            return;
        }
        self.stop();
        let _ = std::fs::remove_dir_all(&self.store);
    }
}

/// Noon in Amsterdam on a day (11:00 UTC in winter, 10:00 in summer): far from midnight, so
/// the day is the same in Amsterdam and in UTC.
pub fn noon(year: i32, month: u32, day: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone as _;
    chrono_tz::Europe::Amsterdam
        .with_ymd_and_hms(year, month, day, 12, 0, 0)
        .single()
        .expect("noon exists on every day in Amsterdam")
        .with_timezone(&chrono::Utc)
}

/// [`noon`] of a `(year, month, day)` as tests write it.
pub fn noon_of((year, month, day): (i32, i32, i32)) -> chrono::DateTime<chrono::Utc> {
    let month = u32::try_from(month).expect("a month");
    let day = u32::try_from(day).expect("a day");
    noon(year, month, day)
}

/// Polls `check` until it returns `Some` or `timeout` passes.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A fresh `request_id` (AIP-155): the project's own callers send one with every write.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A service's configuration for a benchmark on `database_url`: no NATS (events wait in the
/// outbox), no test clock, the relay asleep.
pub fn bench_config(database_url: &str) -> pactum_platform::config::ServiceConfig {
    pactum_platform::config::ServiceConfig {
        database_url: database_url.to_owned(),
        database_max_connections: 4,
        nats_url: "nats://127.0.0.1:1".into(),
        grpc_addr: "127.0.0.1:0".parse().expect("a socket address"),
        shutdown_grace: Duration::from_secs(1),
        outbox_poll_interval: Duration::from_secs(3600),
        test_clock: false,
        request_id_retention_days: pactum_platform::config::MIN_REQUEST_ID_RETENTION_DAYS,
        test_pause_after_commit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres:///pactum", "x"), "postgres:///x");
        assert_eq!(with_database("postgres://u@h/db?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
