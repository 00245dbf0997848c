//! What the operator's probes ask of the store: whether it can take a write now (readiness,
//! `GET /api/v1/ready`), and how full its connection pools are (metrics).

use super::StoreResult;
use async_trait::async_trait;

/// One pool of database connections, as the metrics show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStats {
    /// `reader` or `writer` (SQLite), `postgres`.
    pub name: &'static str,
    /// Connections open, busy or idle.
    pub size: u32,
    /// Of those, idle.
    pub idle: u32,
}

#[async_trait]
pub trait Health: Send + Sync + 'static {
    /// `Ok` when the database takes writes right now; `StoreError::Unavailable` when it does not
    /// (a read-only or failing disk, a standby, a database that does not answer). Cheap enough to
    /// be asked every few seconds, and it changes no data.
    async fn ready(&self) -> StoreResult<()>;

    /// The connection pools' sizes.
    fn pools(&self) -> Vec<PoolStats>;
}
