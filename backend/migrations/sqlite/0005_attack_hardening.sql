-- Holding up under attack (issue 14). The twin of migrations/postgres/0005_attack_hardening.sql.

-- Every log-in attempt, recorded before it is judged so that concurrent guesses count each
-- other; a right password removes its own row. `kind` keeps the throttles apart ('login',
-- 'tablet', 'password_change'): no typed text can reach another kind's rows. `account` is the
-- typed username (at most 64 characters) or an account id; `network` the address's /24 (IPv4)
-- or /64 (IPv6). Rows older than the throttle's window are purged.
CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    network TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX login_attempts_account ON login_attempts (kind, account, at);
CREATE INDEX login_attempts_address ON login_attempts (kind, address, at);
CREATE INDEX login_attempts_network ON login_attempts (kind, network, at);
CREATE INDEX login_attempts_at ON login_attempts (at);

-- The old table kept every typed username for ever.
DROP TABLE login_failures;

-- A code may end by itself (Unix seconds; NULL: until revoked). `code_hash` is from now on an
-- HMAC-SHA256 of the code under the server's secret; a code issued before is rehashed on use.
ALTER TABLE tablet_codes ADD COLUMN expires_at INTEGER;
