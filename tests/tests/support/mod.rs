//! The four service binaries as real processes, for the end-to-end tests.

#![allow(dead_code)]

use std::{
    path::PathBuf,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use pactum_testkit::{
    eventually, free_port,
    grpc::{channel, health},
};
use tonic_health::pb::health_check_response::ServingStatus;

pub const SERVICES: [(&str, &str); 4] = [
    ("contracts", "pactum.contracts.v1.ContractService"),
    ("billing", "pactum.billing.v1.BillingService"),
    ("privacy", "pactum.privacy.v1.PrivacyService"),
    ("notification", "pactum.notification.v1.NotificationService"),
];

/// `target/<profile>/pactum-<service>`, beside the directory of this test binary.
pub fn binary(service: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = dir.join(format!("pactum-{service}"));
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` first (the README's test command does)",
        path.display()
    );
    path
}

pub struct Process {
    pub name: &'static str,
    pub port: u16,
    child: Child,
}

impl Process {
    pub fn start(name: &'static str, database_url: &str, nats_url: &str) -> Self {
        Self::start_with(name, database_url, nats_url, &[])
    }

    /// Starts with extra environment variables.
    pub fn start_with(name: &'static str, database_url: &str, nats_url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let child = Command::new(binary(name))
            .env("DATABASE_URL", database_url)
            .env("NATS_URL", nats_url)
            .env("GRPC_ADDR", format!("127.0.0.1:{port}"))
            .env("SHUTDOWN_GRACE_SECONDS", "10")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        Self { name, port, child }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process has not exited.
    pub fn is_running(&self) -> bool {
        std::fs::metadata(format!("/proc/{}", self.child.id())).is_ok()
            && !std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default().contains(") Z ")
    }

    /// SIGKILL: the process dies at once, whatever it was doing, as with a node lost.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, then the exit status (at most `within`).
    pub fn terminate(&mut self, within: Duration) -> ExitStatus {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -TERM {}", self.name);
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "{} did not stop within {within:?} of SIGTERM", self.name);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `process` reports `service` SERVING.
pub async fn wait_serving(process: &Process, service: &str) {
    let channel = channel(process.port).await;
    let serving = eventually(Duration::from_secs(30), || {
        let channel = channel.clone();
        async move { (health(channel, service).await == Some(ServingStatus::Serving)).then_some(()) }
    })
    .await;
    assert!(serving.is_some(), "{} never reported SERVING", process.name);
}

/// Starts the four binaries (with `env`) and waits until each reports SERVING.
pub async fn start_all(database_url: &str, nats_url: &str, env: &[(&str, &str)]) -> Vec<Process> {
    let processes: Vec<Process> =
        SERVICES.iter().map(|(name, _)| Process::start_with(name, database_url, nats_url, env)).collect();
    for (process, (_, service)) in processes.iter().zip(SERVICES) {
        wait_serving(process, service).await;
    }
    processes
}
