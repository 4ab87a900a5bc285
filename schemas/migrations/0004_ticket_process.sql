-- Version 4: the ticket process beyond open/resolve.
-- New event kinds: 'stage' (a workflow stage reached: complaint and business
-- request processes), 'followup_due' and 'followed_up' (the callback after
-- resolution), 'survey_invited' (the post-service survey), 'appointment'
-- (an on-site visit booked, moved or cancelled). SQLite cannot change a CHECK,
-- so the append-only log is copied into a new table with the wider list.
CREATE TABLE ticket_events_v4 (
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  at          INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('opened', 'routed', 'assigned', 'replied',
                'customer_replied', 'pended', 'resumed', 'escalated', 'resolved', 'reopened',
                'closed', 'note', 'imported', 'stage', 'followup_due', 'followed_up',
                'survey_invited', 'appointment')),
  actor       TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),
  from_status TEXT,
  to_status   TEXT,
  detail      TEXT CHECK (detail IS NULL OR json_valid(detail))
) STRICT;
INSERT INTO ticket_events_v4 SELECT * FROM ticket_events;
DROP TABLE ticket_events;
ALTER TABLE ticket_events_v4 RENAME TO ticket_events;
CREATE INDEX ticket_events_by_ticket ON ticket_events(ticket_id, at);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only: add a new event instead'); END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only: add a new event instead'); END;

-- The workflow stage a ticket last reached (NULL for kinds without a process);
-- the log is the truth, this column is for listing and filtering.
ALTER TABLE tickets ADD COLUMN stage TEXT CHECK (stage IS NULL OR length(stage) BETWEEN 1 AND 64);

-- Customers who need special care (e.g. 'hearing', 'elderly'): the care
-- policy calls them regularly. NULL = none.
ALTER TABLE customers ADD COLUMN special_needs TEXT
  CHECK (special_needs IS NULL OR length(special_needs) BETWEEN 1 AND 200);
