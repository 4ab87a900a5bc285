-- manyi schema, version 1 (the base). Later changes go in migrations/NNNN_name.sql.
--
-- Conventions: instants are INTEGER seconds since 1970-01-01T00:00:00Z; dates are
-- TEXT 'YYYY-MM-DD'; money is INTEGER minor units (fen, cents); codes that the
-- configuration defines (tiers, calendars) are checked by the engine against it.
-- Every table is STRICT so that a value of the wrong type cannot enter.

CREATE TABLE departments (
  id       INTEGER PRIMARY KEY,
  code     TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
  name     TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  calendar TEXT
) STRICT;

CREATE TABLE staff (
  id            INTEGER PRIMARY KEY,
  external_id   TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  department_id INTEGER REFERENCES departments(id),
  os_user       TEXT UNIQUE,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE customers (
  id            INTEGER PRIMARY KEY,
  external_id   TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind          TEXT NOT NULL CHECK (kind IN ('person', 'company', 'government')),
  region        TEXT CHECK (length(region) BETWEEN 1 AND 64),
  industry      TEXT CHECK (length(industry) BETWEEN 1 AND 64),
  phone         TEXT CHECK (length(phone) BETWEEN 3 AND 32 AND phone NOT GLOB '*[^0-9 +()-]*'),
  email         TEXT CHECK (length(email) <= 254 AND email GLOB '?*@?*'),
  birthday      TEXT CHECK (date(birthday, '+0 days') IS birthday),
  consent_email INTEGER NOT NULL DEFAULT 0 CHECK (consent_email IN (0, 1)),
  consent_sms   INTEGER NOT NULL DEFAULT 0 CHECK (consent_sms IN (0, 1)),
  consent_phone INTEGER NOT NULL DEFAULT 0 CHECK (consent_phone IN (0, 1)),
  tier          TEXT CHECK (length(tier) BETWEEN 1 AND 32),
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX customers_by_region ON customers(region);
CREATE INDEX customers_by_tier ON customers(tier);

CREATE TABLE interactions (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  channel     TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'social', 'chat', 'visit')),
  direction   TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  occurred_at INTEGER NOT NULL,
  staff_id    INTEGER REFERENCES staff(id),
  summary     TEXT CHECK (length(summary) <= 4000)
) STRICT;
CREATE INDEX interactions_by_customer ON interactions(customer_id, occurred_at);

CREATE TABLE orders (
  id           INTEGER PRIMARY KEY,
  external_id  TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  customer_id  INTEGER NOT NULL REFERENCES customers(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  currency     TEXT NOT NULL CHECK (length(currency) = 3 AND currency GLOB '[A-Z][A-Z][A-Z]'),
  ordered_at   INTEGER NOT NULL,
  status       TEXT NOT NULL
               CHECK (status IN ('placed', 'paid', 'shipped', 'completed', 'cancelled', 'refunded'))
) STRICT;
CREATE INDEX orders_by_customer ON orders(customer_id, ordered_at);

CREATE TABLE tickets (
  id                INTEGER PRIMARY KEY,
  external_id       TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  customer_id       INTEGER NOT NULL REFERENCES customers(id),
  kind              TEXT NOT NULL
                    CHECK (kind IN ('inquiry', 'complaint', 'after_sales', 'business_request')),
  category          TEXT NOT NULL CHECK (category IN ('general', 'technical', 'product_quality')),
  severity          TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  channel           TEXT NOT NULL
                    CHECK (channel IN ('phone', 'email', 'social', 'chat', 'visit', 'web')),
  priority          INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
  department_id     INTEGER NOT NULL REFERENCES departments(id),
  status            TEXT NOT NULL
                    CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
  opened_at         INTEGER NOT NULL,
  first_response_at INTEGER CHECK (first_response_at >= opened_at),
  resolved_at       INTEGER CHECK (resolved_at >= opened_at),
  assignee_id       INTEGER REFERENCES staff(id),
  subject           TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
  CHECK ((resolved_at IS NOT NULL) = (status IN ('resolved', 'closed')))
) STRICT;
CREATE INDEX tickets_by_customer ON tickets(customer_id);
CREATE INDEX tickets_by_department ON tickets(department_id, status);
CREATE INDEX tickets_by_status ON tickets(status, opened_at);

-- The ticket log: SLA clocks and escalations are computed from it, so it is never edited.
CREATE TABLE ticket_events (
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  at          INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('opened', 'routed', 'assigned', 'replied',
                'customer_replied', 'pended', 'resumed', 'escalated', 'resolved', 'reopened',
                'closed', 'note', 'imported')),
  actor       TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),
  from_status TEXT,
  to_status   TEXT,
  detail      TEXT CHECK (detail IS NULL OR json_valid(detail))
) STRICT;
CREATE INDEX ticket_events_by_ticket ON ticket_events(ticket_id, at);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only: add a new event instead'); END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only: add a new event instead'); END;

-- A survey row is one version of a questionnaire: answers stay tied to the
-- version they were given to.
CREATE TABLE surveys (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
  version    INTEGER NOT NULL CHECK (version >= 1),
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('csat', 'nps', 'ces', 'index')),
  definition TEXT NOT NULL CHECK (json_valid(definition)),
  created_at INTEGER NOT NULL,
  UNIQUE (code, version)
) STRICT;

CREATE TABLE questions (
  id        INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  position  INTEGER NOT NULL CHECK (position >= 1),
  code      TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
  text      TEXT NOT NULL,
  dimension TEXT,
  scale_min INTEGER,
  scale_max INTEGER,
  weight    REAL NOT NULL DEFAULT 1 CHECK (weight >= 0),
  reverse   INTEGER NOT NULL DEFAULT 0 CHECK (reverse IN (0, 1)),
  open      INTEGER NOT NULL DEFAULT 0 CHECK (open IN (0, 1)),
  UNIQUE (survey_id, code),
  CHECK ((open = 1 AND scale_min IS NULL AND scale_max IS NULL)
         OR (open = 0 AND scale_min < scale_max))
) STRICT;

CREATE TABLE invitations (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  survey_id   INTEGER NOT NULL REFERENCES surveys(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  ticket_id   INTEGER REFERENCES tickets(id),
  channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'phone', 'web')),
  stratum     TEXT,
  weight      REAL NOT NULL DEFAULT 1 CHECK (weight > 0),
  status      TEXT NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'sent', 'responded', 'expired')),
  created_at  INTEGER NOT NULL,
  sent_at     INTEGER,
  reminded_at INTEGER
) STRICT;
CREATE INDEX invitations_by_customer ON invitations(customer_id);

CREATE TABLE responses (
  id            INTEGER PRIMARY KEY,
  external_id   TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  survey_id     INTEGER NOT NULL REFERENCES surveys(id),
  customer_id   INTEGER NOT NULL REFERENCES customers(id),
  invitation_id INTEGER UNIQUE REFERENCES invitations(id),
  submitted_at  INTEGER NOT NULL,
  duration_s    INTEGER CHECK (duration_s >= 0),
  channel       TEXT CHECK (channel IN ('email', 'sms', 'phone', 'web'))
) STRICT;
CREATE INDEX responses_by_customer ON responses(customer_id, submitted_at);
CREATE INDEX responses_by_survey ON responses(survey_id, submitted_at);

-- One row per answered question. Range against the question's scale is checked
-- by the engine on import (a CHECK cannot look at another table).
CREATE TABLE answers (
  response_id INTEGER NOT NULL REFERENCES responses(id),
  question_id INTEGER NOT NULL REFERENCES questions(id),
  value       REAL,
  text        TEXT CHECK (length(text) <= 10000),
  PRIMARY KEY (response_id, question_id),
  CHECK ((value IS NULL) <> (text IS NULL))
) STRICT, WITHOUT ROWID;

-- The loyalty ledger is append-only; a correction is a reversing entry.
CREATE TABLE loyalty_ledger (
  id              INTEGER PRIMARY KEY,
  customer_id     INTEGER NOT NULL REFERENCES customers(id),
  kind            TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'reverse', 'adjust')),
  points          INTEGER NOT NULL CHECK (points <> 0),
  reason          TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  source          TEXT,
  policy          TEXT,
  idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  reverses_id     INTEGER REFERENCES loyalty_ledger(id),
  expires_at      INTEGER,
  created_at      INTEGER NOT NULL,
  CHECK ((kind IN ('earn', 'adjust')) OR points < 0 OR kind = 'reverse'),
  CHECK ((kind = 'reverse') = (reverses_id IS NOT NULL))
) STRICT;
CREATE INDEX loyalty_ledger_by_customer ON loyalty_ledger(customer_id, created_at);
CREATE TRIGGER loyalty_ledger_no_update BEFORE UPDATE ON loyalty_ledger
BEGIN SELECT RAISE(ABORT, 'loyalty_ledger is append-only: add a reversing entry instead'); END;
CREATE TRIGGER loyalty_ledger_no_delete BEFORE DELETE ON loyalty_ledger
BEGIN SELECT RAISE(ABORT, 'loyalty_ledger is append-only: add a reversing entry instead'); END;

CREATE TABLE tier_history (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  old_tier    TEXT,
  new_tier    TEXT NOT NULL,
  reason      TEXT NOT NULL,
  policy      TEXT,
  job_id      INTEGER REFERENCES jobs(id),
  changed_at  INTEGER NOT NULL,
  CHECK (old_tier IS NOT new_tier)
) STRICT;
CREATE INDEX tier_history_by_customer ON tier_history(customer_id, changed_at);
CREATE TRIGGER tier_history_no_update BEFORE UPDATE ON tier_history
BEGIN SELECT RAISE(ABORT, 'tier_history is append-only'); END;
CREATE TRIGGER tier_history_no_delete BEFORE DELETE ON tier_history
BEGIN SELECT RAISE(ABORT, 'tier_history is append-only'); END;

CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
  key         TEXT NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 200),
  status      TEXT NOT NULL DEFAULT 'queued'
              CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  run_at      INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  payload     TEXT CHECK (payload IS NULL OR json_valid(payload)),
  checkpoint  TEXT,
  error       TEXT,
  created_at  INTEGER NOT NULL,
  started_at  INTEGER,
  finished_at INTEGER
) STRICT;
CREATE INDEX jobs_due ON jobs(status, run_at);

CREATE TABLE evaluations (
  id            INTEGER PRIMARY KEY,
  department_id INTEGER NOT NULL REFERENCES departments(id),
  period        TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-*'),
  metric        TEXT NOT NULL,
  value         REAL NOT NULL,
  target        REAL,
  met           INTEGER CHECK (met IN (0, 1)),
  detail        TEXT CHECK (detail IS NULL OR json_valid(detail)),
  computed_at   INTEGER NOT NULL,
  UNIQUE (department_id, period, metric)
) STRICT;

CREATE TABLE improvement_actions (
  id            INTEGER PRIMARY KEY,
  department_id INTEGER NOT NULL REFERENCES departments(id),
  evaluation_id INTEGER REFERENCES evaluations(id),
  title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  stage         TEXT NOT NULL DEFAULT 'plan' CHECK (stage IN ('plan', 'do', 'check', 'act', 'done')),
  owner_id      INTEGER REFERENCES staff(id),
  due_date      TEXT CHECK (date(due_date, '+0 days') IS due_date),
  notes         TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

-- The audit log is append-only; each row's hash chains to the previous one.
CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  os_user   TEXT NOT NULL,
  action    TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
  object    TEXT,
  detail    TEXT CHECK (detail IS NULL OR json_valid(detail)),
  prev_hash TEXT,
  hash      TEXT
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
