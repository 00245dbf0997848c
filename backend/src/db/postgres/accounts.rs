//! Accounts, sessions, failed log-ins and tablet codes in PostgreSQL.

use super::*;
use crate::db::rows::rfc3339_at;
use crate::db::rows::{SessionRow, TABLET_CODE_COLUMNS, account_json};
use crate::db::{
    Account, AccountChanges, Accounts, Actor, NewAccount, Session, StoreResult, TabletCodeRecord,
};
use async_trait::async_trait;
use serde_json::json;
use shared::api::Role;
use shared::{ClassId, SchoolId, UserId};

#[async_trait]
impl Accounts for PgStore {
    async fn create_account(&self, account: NewAccount, actor: &Actor) -> StoreResult<Account> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let id = insert_account(&mut tx, &account, &actor.at).await?;
        let created = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no new account"))?;
        let target = format!("user {}", created.username);
        audit_in(&mut tx, actor, "user.create", &target, None, Some(account_json(&created)))
            .await?;
        tx.commit().await.map_err(store_error)?;
        Ok(created)
    }

    async fn account(&self, id: UserId) -> StoreResult<Option<Account>> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        account_in(&mut conn, id).await
    }

    async fn account_by_username(&self, username: &str) -> StoreResult<Option<Account>> {
        let row: Option<AccountRow> = sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM {ACCOUNT_FROM} WHERE u.username = $1"
        ))
        .bind(pg_text(username))
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        row.map(AccountRow::account).transpose()
    }

    async fn accounts(&self, school: SchoolId) -> StoreResult<Vec<Account>> {
        let rows: Vec<AccountRow> = sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM {ACCOUNT_FROM} \
             WHERE u.school_id = $1 AND NOT u.tablet ORDER BY u.role, u.username"
        ))
        .bind(school)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(AccountRow::account).collect()
    }

    async fn update_account(
        &self,
        id: UserId,
        changes: AccountChanges,
        actor: &Actor,
    ) -> StoreResult<Account> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        take_turn(&mut tx, Turn::Account(id)).await?;
        let before = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("no such account"))?;
        let disabled_at = match changes.disabled {
            Some(true) if !before.disabled => Some(Some(actor.at.clone())),
            Some(false) => Some(None),
            _ => None,
        };
        sqlx::query(
            "UPDATE users SET display_name = COALESCE($1, display_name), \
             class_id = COALESCE($2, class_id), grade = COALESCE($3, grade), \
             disabled_at = CASE WHEN $4 THEN $5 ELSE disabled_at END WHERE id = $6",
        )
        .bind(changes.display_name)
        .bind(changes.class_id)
        .bind(changes.grade.map(|g| i32::from(g.get())))
        .bind(disabled_at.is_some())
        .bind(disabled_at.flatten())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        if changes.disabled == Some(true) {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        let after = account_in(&mut tx, id).await?.ok_or_else(|| corrupt("account vanished"))?;
        let target = format!("user {}", after.username);
        let (b, a) = (account_json(&before), account_json(&after));
        audit_in(&mut tx, actor, "user.update", &target, Some(b), Some(a)).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(after)
    }

    async fn set_password(
        &self,
        id: UserId,
        hash: &str,
        keep: Option<&[u8]>,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let username: String = sqlx::query_scalar(
            "UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING username",
        )
        .bind(hash)
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)",
        )
        .bind(id)
        .bind(keep)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        audit_in(&mut tx, actor, "user.password", &format!("user {username}"), None, None).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn create_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: i64,
        expires_at: i64,
        tablet_code: Option<i64>,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, tablet_code_id) \
             VALUES ($1, $2, $3, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(now)
        .bind(expires_at)
        .bind(tablet_code)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        let action = if tablet_code.is_some() { "auth.tablet" } else { "auth.login" };
        audit_in(&mut tx, actor, action, &format!("user {}", actor.username), None, None).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn session(
        &self,
        token_hash: &[u8],
        now: i64,
        idle_since: i64,
    ) -> StoreResult<Option<Session>> {
        let row: Option<SessionRow> = sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS}, s.last_seen_at, t.label AS tablet_label FROM sessions s \
             JOIN users u ON u.id = s.user_id LEFT JOIN classes c ON c.id = u.class_id \
             LEFT JOIN tablet_codes t ON t.id = s.tablet_code_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 \
             AND u.disabled_at IS NULL"
        ))
        .bind(token_hash)
        .bind(now)
        .bind(idle_since)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let account = Account { tablet_label: row.tablet_label, ..row.account.account()? };
        Ok(Some(Session { account, last_seen_at: row.last_seen_at }))
    }

    async fn touch_session(&self, token_hash: &[u8], now: i64) -> StoreResult<()> {
        // With the day reports and other sessions' use of the moment ([`super::batch`]): a
        // morning's first requests each record it, a commit each otherwise.
        let token_hash = token_hash.to_vec();
        self.by_writer(|reply| super::batch::Job::Touch { token_hash, now, reply }).await
    }

    async fn delete_session(&self, token_hash: &[u8], actor: Option<&Actor>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let deleted = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?
            .rows_affected();
        if let (Some(actor), 1) = (actor, deleted) {
            let target = format!("user {}", actor.username);
            audit_in(&mut tx, actor, "auth.logout", &target, None, None).await?;
        }
        tx.commit().await.map_err(store_error)
    }

    async fn record_login_failure(
        &self,
        username: &str,
        _address: &str,
        _at: i64,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let target = format!("user {username}");
        audit_in(&mut tx, actor, "auth.login_failed", &target, None, None).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn create_tablet_code(
        &self,
        class: ClassId,
        label: &str,
        code_hash: &[u8],
        expires_at: Option<i64>,
        actor: &Actor,
    ) -> StoreResult<TabletCodeRecord> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let code: TabletCodeRecord = sqlx::query_as(&format!(
            "INSERT INTO tablet_codes (class_id, label, code_hash, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {TABLET_CODE_COLUMNS}"
        ))
        .bind(class)
        .bind(label)
        .bind(code_hash)
        .bind(&actor.username)
        .bind(&actor.at)
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(store_error)?;
        let target = format!("class {class} tablet code {}", code.id);
        let after = Some(json!({"label": code.label, "expires_at": code.expires_at}));
        audit_in(&mut tx, actor, "tablet_code.create", &target, None, after).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(code)
    }

    async fn tablet_codes(&self, class: ClassId) -> StoreResult<Vec<TabletCodeRecord>> {
        sqlx::query_as(&format!(
            "SELECT {TABLET_CODE_COLUMNS} FROM tablet_codes WHERE class_id = $1 ORDER BY id"
        ))
        .bind(class)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)
    }

    async fn revoke_tablet_code(
        &self,
        class: ClassId,
        id: i64,
        actor: &Actor,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let revoked = sqlx::query(
            "UPDATE tablet_codes SET revoked_at = COALESCE(revoked_at, $1) \
             WHERE id = $2 AND class_id = $3",
        )
        .bind(&actor.at)
        .bind(id)
        .bind(class)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?
        .rows_affected();
        if revoked == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM sessions WHERE tablet_code_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let target = format!("class {class} tablet code {id}");
        audit_in(&mut tx, actor, "tablet_code.revoke", &target, None, None).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn tablet_account(
        &self,
        code_hash: &[u8],
        legacy_hash: &[u8],
        now: i64,
        unusable_hash: &str,
    ) -> StoreResult<Option<(i64, Account)>> {
        let at = rfc3339_at(now);
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let code: Option<(i64, ClassId)> = sqlx::query_as(
            "SELECT t.id, t.class_id FROM tablet_codes t JOIN classes c ON c.id = t.class_id \
             WHERE t.code_hash IN ($1, $2) AND t.revoked_at IS NULL AND c.archived_at IS NULL \
             AND (t.expires_at IS NULL OR t.expires_at > $3)",
        )
        .bind(code_hash)
        .bind(legacy_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        let Some((code_id, class_id)) = code else { return Ok(None) };
        // Two tablets of a class signing in for the first time at once: the second waits and
        // finds the account the first made.
        take_turn(&mut tx, Turn::Class(class_id)).await?;
        let username = format!("tablet-{class_id}");
        let existing: Option<UserId> =
            sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(&username)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?;
        let user_id = match existing {
            Some(id) => id,
            None => {
                let class =
                    class_in(&mut tx, class_id).await?.ok_or_else(|| corrupt("no class"))?;
                let account = NewAccount {
                    school_id: class.school_id,
                    username: username.clone(),
                    display_name: format!("{} 班级平板 Class tablet", class.name),
                    role: Role::Monitor,
                    class_id: Some(class_id),
                    grade: None,
                    password_hash: unusable_hash.to_owned(),
                };
                let id = insert_account(&mut tx, &account, &at).await?;
                sqlx::query("UPDATE users SET tablet = TRUE WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
                id
            }
        };
        // A code stored before the keyed hash gets it now.
        sqlx::query("UPDATE tablet_codes SET last_used_at = $1, code_hash = $2 WHERE id = $3")
            .bind(&at)
            .bind(code_hash)
            .bind(code_id)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let account = account_in(&mut tx, user_id).await?.ok_or_else(|| corrupt("no tablet"))?;
        tx.commit().await.map_err(store_error)?;
        Ok(Some((code_id, account)))
    }
}
