-- Version 3: the scheduler's queue and the outbox.
-- Queue jobs are jobs rows that a runner claims with a lease: a runner that
-- dies loses its lease when lease_until passes and another runner takes the
-- job again. Batch jobs (tiers, points) keep using jobs without a lease.
-- 'failed' with no run left is a dead job: it is not retried.
ALTER TABLE jobs ADD COLUMN lease_owner TEXT CHECK (lease_owner IS NULL OR length(lease_owner) <= 200);
ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
CREATE INDEX jobs_leases ON jobs(status, lease_until) WHERE lease_until IS NOT NULL;

-- Recurring jobs from the configuration: the last occurrence queued, so
-- that after downtime the missed occurrences fire once, not once each.
CREATE TABLE schedules (
  name       TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  last_fire  INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Messages for whatever sends them (mail, SMS, phone lists): manyi writes
-- them and never sends. The key makes every message exactly once.
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 200),
  kind        TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
  channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'phone', 'internal')),
  recipient   TEXT NOT NULL CHECK (length(recipient) BETWEEN 1 AND 200),
  customer_id INTEGER REFERENCES customers(id),
  ticket_id   INTEGER REFERENCES tickets(id),
  subject     TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
  payload     TEXT CHECK (payload IS NULL OR json_valid(payload)),
  job_id      INTEGER REFERENCES jobs(id),
  created_at  INTEGER NOT NULL,
  exported_at INTEGER
) STRICT;
CREATE INDEX outbox_by_time ON outbox(created_at);
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox is append-only'); END;
