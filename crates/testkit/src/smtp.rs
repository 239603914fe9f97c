//! A real SMTP server for a test: `deploy/local/smtp-sink.py` (aiosmtpd, Debian's
//! `python3-aiosmtpd`) on its own port, writing every accepted message to its own Maildir.
//! `<x>+451@…` is refused once with 451, `<x>+550@…` always with 550.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::free_port;

#[derive(Debug)]
pub struct TestSmtp {
    pub port: u16,
    pub maildir: PathBuf,
    child: Child,
}

impl TestSmtp {
    pub async fn start() -> Self {
        let port = free_port();
        let maildir = std::env::temp_dir().join(format!("pactum-mail-{}", uuid::Uuid::new_v4().simple()));
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/local/smtp-sink.py");
        let python = std::env::var("SMTP_SINK_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned());
        let child = Command::new(&python)
            .arg(&script)
            .args(["--port", &port.to_string(), "--maildir"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {python} {} (the test command installs python3-aiosmtpd): {e}", script.display())
            });
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(Instant::now() < deadline, "the SMTP sink on port {port} did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { port, maildir, child }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// How many messages were accepted so far.
    pub fn received(&self) -> usize {
        std::fs::read_dir(self.maildir.join("new")).map_or(0, Iterator::count)
    }

    /// Every message accepted so far, as the server received it.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        files.into_iter().filter_map(|f| std::fs::read(f).ok()).collect()
    }
}

impl Drop for TestSmtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}
