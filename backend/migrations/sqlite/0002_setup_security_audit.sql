-- School set-up and security: class tablets with device codes, sessions tied to the code they
-- were opened with, and the audit log of every write.

-- A class's tablet account (role monitor, bound to its class) has no password that works.
ALTER TABLE users ADD COLUMN tablet INTEGER NOT NULL DEFAULT 0;

CREATE TABLE tablet_codes (
    id           INTEGER PRIMARY KEY,
    class_id     INTEGER NOT NULL REFERENCES classes (id),
    label        TEXT NOT NULL DEFAULT '',
    -- SHA-256 of the code: the code itself is shown once and never stored.
    code_hash    BLOB NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT,
    CONSTRAINT tablet_codes_hash_unique UNIQUE (code_hash)
);
CREATE INDEX tablet_codes_class ON tablet_codes (class_id);

ALTER TABLE sessions ADD COLUMN tablet_code_id INTEGER REFERENCES tablet_codes (id);

-- Append-only: nothing in the API updates or deletes these rows.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    school_id INTEGER,
    actor_id  INTEGER,
    actor     TEXT NOT NULL,
    address   TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_log_school ON audit_log (school_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
