-- Homework plans (作业备案), their days' status and review, public notice links, and teaching
-- assignments for the new role subject_teacher.

-- The role list of users' CHECK grows (subject_teacher): SQLite cannot alter a CHECK, and a
-- rebuild of the table would have to know every column any migration adds to it; the server
-- widens the list itself after the migrations (db/sqlite/plans.rs, widen_role_check).

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
