-- Districts (区域): an education bureau's area holds schools, and its district_admin accounts
-- read them. A district admin belongs to a district and to no school.
--
-- A district admin's row has no school_id and the role district_admin: SQLite changes a column's
-- NOT NULL or a CHECK only by rebuilding the table, which needs foreign keys off, which cannot be
-- switched inside the transaction a migration runs in (and dropping `users` with them on would
-- delete every session). The server does that rebuild itself right after the migrations
-- (`db/sqlite/districts.rs`, `allow_district_admins`); here only what a transaction can do.

CREATE TABLE districts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT districts_name_unique UNIQUE (name)
);

ALTER TABLE schools ADD COLUMN district_id INTEGER REFERENCES districts (id);
CREATE INDEX schools_district ON schools (district_id);

ALTER TABLE users ADD COLUMN district_id INTEGER REFERENCES districts (id);
CREATE INDEX users_district ON users (district_id);
