-- Version 19: the closed loop on feedback (manyi eval alerts). The alert
-- policy sees each scored response once and may open a follow-up ticket for
-- a department; the link is stored here, keyed by the response, so that a
-- response never opens two follow-ups: not on a rerun, not after a kill (the
-- ticket, its link and the run's mark commit in one transaction).
-- Depends only on tables of versions 1 to 17.
CREATE TABLE IF NOT EXISTS response_followups (
  response_id INTEGER PRIMARY KEY REFERENCES responses(id),
  ticket_id   INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
  reason      TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  policy      TEXT NOT NULL, -- the digest of the alert policy's text that decided
  opened_at   INTEGER NOT NULL
) STRICT;

-- How far eval alerts has got: every response with an id up to
-- last_response_id has been seen by the policy (or named as a failure).
-- Responses get increasing ids, so the next run starts after it.
CREATE TABLE IF NOT EXISTS alert_mark (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  last_response_id INTEGER NOT NULL CHECK (last_response_id >= 0),
  updated_at       INTEGER NOT NULL
) STRICT;
