/// A failure of the storage behind a repository. Opaque on purpose: callers are told only that
/// something internal failed; the cause chain goes to the logs.
#[derive(Debug, thiserror::Error)]
#[error("storage failed")]
pub struct StorageError(#[source] Box<dyn std::error::Error + Send + Sync>);

impl StorageError {
    pub fn new(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(cause))
    }
}
