-- Homework plans (作业备案), their days' status and review, public notice links, and teaching
-- assignments for the new role subject_teacher.

-- The role list grows (subject_teacher; district_admin is listed too so that the districts'
-- migration need not rebuild the table again). SQLite cannot change a CHECK in place: the table
-- is rebuilt. Inside the migration's transaction foreign keys stay on, so renaming the old table
-- turns sessions' REFERENCES users (id) into users_before_0006: sessions is rebuilt too, to
-- refer to the new table, before the old one goes (nothing else refers to users).
ALTER TABLE users RENAME TO users_before_0006;
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    school_id     INTEGER NOT NULL REFERENCES schools (id),
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('monitor', 'teacher', 'grade_leader', 'school_admin',
                                                'subject_teacher', 'district_admin')),
    class_id      INTEGER REFERENCES classes (id),
    grade         INTEGER CHECK (grade BETWEEN 1 AND 9),
    password_hash TEXT NOT NULL,
    disabled_at   TEXT,
    created_at    TEXT NOT NULL,
    tablet        INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT users_username_unique UNIQUE (username)
);
INSERT INTO users (id, school_id, username, display_name, role, class_id, grade, password_hash,
                   disabled_at, created_at, tablet)
SELECT id, school_id, username, display_name, role, class_id, grade, password_hash,
       disabled_at, created_at, tablet
FROM users_before_0006;

CREATE TABLE sessions_0006 (
    token_hash     BLOB PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL,
    last_seen_at   INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    tablet_code_id INTEGER REFERENCES tablet_codes (id)
) WITHOUT ROWID;
INSERT INTO sessions_0006 (token_hash, user_id, created_at, last_seen_at, expires_at, tablet_code_id)
SELECT token_hash, user_id, created_at, last_seen_at, expires_at, tablet_code_id FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_0006 RENAME TO sessions;
CREATE INDEX sessions_user ON sessions (user_id);
DROP TABLE users_before_0006;

-- The classes and subjects an account teaches.
CREATE TABLE teaching (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL REFERENCES classes (id),
    subject  TEXT NOT NULL,
    PRIMARY KEY (user_id, class_id, subject)
) WITHOUT ROWID;
CREATE INDEX teaching_class ON teaching (class_id);

-- One subject's plan for a class's day; `items` is the JSON list of PlanItem.
CREATE TABLE subject_plans (
    id               INTEGER PRIMARY KEY,
    class_id         INTEGER NOT NULL REFERENCES classes (id),
    date             TEXT NOT NULL,
    subject          TEXT NOT NULL,
    items            TEXT NOT NULL,
    expected_minutes INTEGER NOT NULL,
    filed_by         TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          INTEGER NOT NULL,
    CONSTRAINT subject_plans_class_date_subject UNIQUE (class_id, date, subject)
);

-- A class's day of plans: its status and the last review.
CREATE TABLE plan_days (
    class_id        INTEGER NOT NULL REFERENCES classes (id),
    date            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'needs_approval', 'approved', 'returned')),
    review_by       TEXT,
    review_at       TEXT,
    review_decision TEXT,
    review_reason   TEXT,
    PRIMARY KEY (class_id, date)
) WITHOUT ROWID;

-- Links that show a class's plans to parents without a log-in; only the token's SHA-256 is kept.
CREATE TABLE notice_links (
    id         INTEGER PRIMARY KEY,
    class_id   INTEGER NOT NULL REFERENCES classes (id),
    token_hash BLOB NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    CONSTRAINT notice_links_hash_unique UNIQUE (token_hash)
);
CREATE INDEX notice_links_class ON notice_links (class_id);
