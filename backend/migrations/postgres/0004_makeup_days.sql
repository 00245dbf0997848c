-- Make-up school days (调休): a Saturday or Sunday that a school keeps as a school day.
CREATE TABLE makeup_days (
    school_id BIGINT NOT NULL REFERENCES schools (id),
    date      DATE NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (school_id, date)
);
