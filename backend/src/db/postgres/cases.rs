//! Cases and spot checks in PostgreSQL: the shared implementation ([`crate::db::cases`]). Two
//! servers changing one case at once are ordered by its `version` (the loser stores nothing);
//! the morning's recheck of a school is claimed by one insert ([`crate::db::cases::CaseStore::claim_case_sweep`]).

use super::{PgStore, audit_in, pg_text, store_error};

/// PostgreSQL's text cannot hold U+0000 ([`pg_text`]).
fn db_text(text: &str) -> String {
    pg_text(text).into_owned()
}

crate::db::cases::case_store_impl!(
    PgStore,
    read = |s| &s.pool,
    begin = |s| async { s.pool.begin().await.map_err(store_error) }
);
