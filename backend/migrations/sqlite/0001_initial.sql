-- The first schema: schools with their policy, classes, accounts, sessions, and day reports.

CREATE TABLE schools (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    utc_offset_minutes INTEGER NOT NULL DEFAULT 480,
    -- The school's Policy as JSON (shared::Policy): limits, window, drift, subjects per grade.
    policy             TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    CONSTRAINT schools_name_unique UNIQUE (name)
);

CREATE TABLE holidays (
    school_id INTEGER NOT NULL REFERENCES schools (id),
    date      TEXT NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (school_id, date)
) WITHOUT ROWID;

CREATE TABLE classes (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES schools (id),
    grade       INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 9),
    name        TEXT NOT NULL,
    archived_at TEXT,
    created_at  TEXT NOT NULL,
    CONSTRAINT classes_name_unique UNIQUE (school_id, name)
);
CREATE INDEX classes_school_grade ON classes (school_id, grade);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    school_id     INTEGER NOT NULL REFERENCES schools (id),
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('monitor', 'teacher', 'grade_leader', 'school_admin')),
    class_id      INTEGER REFERENCES classes (id),
    grade         INTEGER CHECK (grade BETWEEN 1 AND 9),
    password_hash TEXT NOT NULL,
    disabled_at   TEXT,
    created_at    TEXT NOT NULL,
    CONSTRAINT users_username_unique UNIQUE (username)
);

CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    address  TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_address ON login_failures (address, at);

-- One row per class and day: the report's header and its total, the class x day rollup that
-- summaries and comparisons read without touching the subject entries.
CREATE TABLE day_reports (
    id            INTEGER PRIMARY KEY,
    class_id      INTEGER NOT NULL REFERENCES classes (id),
    date          TEXT NOT NULL,
    total_minutes INTEGER NOT NULL CHECK (total_minutes BETWEEN 0 AND 600),
    note          TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    recorded_by   TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CONSTRAINT day_reports_class_date UNIQUE (class_id, date)
);

CREATE TABLE report_entries (
    report_id INTEGER NOT NULL REFERENCES day_reports (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    subject   TEXT NOT NULL,
    minutes   INTEGER NOT NULL CHECK (minutes BETWEEN 0 AND 240),
    PRIMARY KEY (report_id, subject)
) WITHOUT ROWID;

-- What was acknowledged for each client-chosen id, so that a resent report stores once and
-- gets the same answer.
CREATE TABLE client_writes (
    class_id   INTEGER NOT NULL,
    client_id  TEXT NOT NULL,
    report     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (class_id, client_id)
) WITHOUT ROWID;
