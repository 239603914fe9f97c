//! The feed of new in-app notices, for `WatchNotices`: every replica hears of every notice
//! from PostgreSQL (`NOTIFY` in the transaction that stores it, so only committed notices are
//! announced) and hands it to the watchers connected to it.

use std::time::Duration;

use sqlx::{PgConnection, PgPool, postgres::PgListener};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// The channel notices are announced on.
pub const CHANNEL: &str = "pactum_notification_notices";

/// How many notices a slow watcher may fall behind before it misses some (it then reads the
/// rest with `ListNotices`).
const BACKLOG: usize = 1024;

/// A new in-app notice: whose, and which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewNotice {
    pub customer_id: Uuid,
    pub notice_id: Uuid,
}

/// Announces a new in-app notice when the transaction `tx` belongs to commits.
pub async fn announce(tx: &mut PgConnection, customer_id: Uuid, notice_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(format!("{customer_id} {notice_id}"))
        .execute(tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Feed {
    sender: broadcast::Sender<NewNotice>,
}

impl Default for Feed {
    fn default() -> Self {
        Self { sender: broadcast::channel(BACKLOG).0 }
    }
}

impl Feed {
    pub fn subscribe(&self) -> broadcast::Receiver<NewNotice> {
        self.sender.subscribe()
    }

    /// Listens until `shutdown`, reconnecting with growing delays when PostgreSQL is away.
    pub async fn run(self, pool: PgPool, shutdown: CancellationToken) {
        let mut delay = Duration::from_millis(200);
        while !shutdown.is_cancelled() {
            let listened = async {
                let mut listener = PgListener::connect_with(&pool).await?;
                listener.listen(CHANNEL).await?;
                loop {
                    let note = listener.recv().await?;
                    if let Some((customer, notice)) = note.payload().split_once(' ')
                        && let (Ok(customer_id), Ok(notice_id)) = (Uuid::try_parse(customer), Uuid::try_parse(notice))
                    {
                        // No watcher is no error.
                        let _ = self.sender.send(NewNotice { customer_id, notice_id });
                    }
                }
                #[allow(unreachable_code)]
                Ok::<(), sqlx::Error>(())
            };
            tokio::select! {
                result = listened => {
                    if let Err(error) = result {
                        tracing::warn!(%error, retry_in_ms = delay.as_millis(), "the notice feed lost PostgreSQL");
                    }
                }
                () = shutdown.cancelled() => return,
            }
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = shutdown.cancelled() => return,
            }
            delay = (delay * 2).min(Duration::from_secs(10));
        }
    }
}
