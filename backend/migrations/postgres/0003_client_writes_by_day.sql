-- A client id belongs to the day report it was sent for: its row is keyed by that report's id,
-- as on SQLite (see its 0003 for why), so that both databases answer a resend alike: a resend
-- goes to the same class and day as its first sending (the same PUT). Rows go with their
-- report (ON DELETE CASCADE), as its entries do.
CREATE TABLE client_writes_by_day (
    report_id  BIGINT NOT NULL REFERENCES day_reports (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL,
    report     JSONB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (report_id, client_id)
);

INSERT INTO client_writes_by_day (report_id, client_id, report, created_at)
SELECT r.id, w.client_id, w.report, w.created_at
FROM client_writes w
JOIN day_reports r ON r.class_id = w.class_id AND r.date = (w.report ->> 'date')::date;

DROP TABLE client_writes;
ALTER TABLE client_writes_by_day RENAME TO client_writes;
ALTER INDEX client_writes_by_day_pkey RENAME TO client_writes_pkey;
