-- A client id belongs to the day report it was sent for: its row is keyed by that report's id.
--
-- Keyed by (class, client id), every acknowledged day report inserted its row at a random place
-- in a B-tree of the whole year's rows (client ids are random), and a morning's batch of reports
-- changed one page of it per report, with page splits and their inner pages on top: 69 % of the
-- pages a batch wrote to the WAL (measured on a district's file). Keyed by the report, today's
-- rows go where today's reports are, at the end, a few pages a batch. A resend goes to the same
-- class and day as its first sending (the same PUT), so the look-up goes through that day.
-- Rows go with their report (ON DELETE CASCADE), as its entries do.
CREATE TABLE client_writes_by_day (
    report_id  INTEGER NOT NULL REFERENCES day_reports (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL,
    report     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (report_id, client_id)
) WITHOUT ROWID;

INSERT INTO client_writes_by_day (report_id, client_id, report, created_at)
SELECT r.id, w.client_id, w.report, w.created_at
FROM client_writes w
JOIN day_reports r ON r.class_id = w.class_id AND r.date = json_extract(w.report, '$.date');

DROP TABLE client_writes;
ALTER TABLE client_writes_by_day RENAME TO client_writes;
