-- Version 18: the customer is told, complaints are accounted for (issue 18
-- items 4 and 6).
--  1. An outbox message may be written and not sent: a customer who withdrew
--     consent on every channel the configuration would use gets no message,
--     and the row says so (status 'skipped', reason). Whatever sends reads
--     status 'ready' only; `outbox export` shows both columns.
--  2. A closed complaint names who was responsible (a department or a staff
--     member) and the root cause, a code of root_causes: in manyi.yaml (the
--     configuration, not the schema, keeps the list). One row per ticket,
--     replaced when a reopened complaint is closed again; each recording is
--     also an 'accountability' event in the ticket's log.
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'ready'
  CHECK (status IN ('ready', 'skipped'));
ALTER TABLE outbox ADD COLUMN reason TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500);

CREATE TABLE ticket_causes (
  ticket_id     INTEGER PRIMARY KEY REFERENCES tickets(id),
  root_cause    TEXT NOT NULL CHECK (length(root_cause) BETWEEN 1 AND 64), -- root_causes:
  department_id INTEGER REFERENCES departments(id),
  staff_id      INTEGER REFERENCES staff(id),
  recorded_at   INTEGER NOT NULL,
  recorded_by   TEXT NOT NULL CHECK (length(recorded_by) BETWEEN 1 AND 64),
  CHECK ((department_id IS NULL) <> (staff_id IS NULL))
) STRICT;
CREATE INDEX ticket_causes_by_staff ON ticket_causes(staff_id) WHERE staff_id IS NOT NULL;
