-- Cases (整改闭环) and spot checks (随机抽查). A case or a spot check is one row whose `body`
-- holds its whole JSON (actions, recheck, observations); the columns beside it are what lists
-- filter on. `version` guards every change (a change that read an older version is retried),
-- so two rechecks of one case, by two servers or two people, cannot both be recorded.
-- Nothing here is ever deleted.
CREATE TABLE cases (
    id        INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools (id),
    class_id  INTEGER NOT NULL REFERENCES classes (id),
    grade     INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    subject   TEXT NOT NULL DEFAULT '',
    status    TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    version   INTEGER NOT NULL DEFAULT 1,
    body      TEXT NOT NULL
);
CREATE INDEX cases_school_opened ON cases (school_id, opened_at);
CREATE INDEX cases_status ON cases (status);
-- One live case (open, action_taken, escalated) per class, kind and subject.
CREATE UNIQUE INDEX cases_live_unique ON cases (class_id, kind, subject) WHERE status <> 'resolved';

-- The morning's automatic recheck of a school's cases: the server copy that inserts the day's
-- row does it; the others find it there and leave it.
CREATE TABLE case_sweeps (
    school_id INTEGER NOT NULL REFERENCES schools (id),
    day       TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (school_id, day)
);

CREATE TABLE spot_checks (
    id        INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools (id),
    date      TEXT NOT NULL,
    drawn_at  TEXT NOT NULL,
    version   INTEGER NOT NULL DEFAULT 1,
    body      TEXT NOT NULL
);
CREATE INDEX spot_checks_school_date ON spot_checks (school_id, date);
