-- Make-up school days (调休): a Saturday or Sunday that a school keeps as a school day.
CREATE TABLE makeup_days (
    school_id INTEGER NOT NULL REFERENCES schools (id),
    date      TEXT NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (school_id, date)
) WITHOUT ROWID;
