-- Version 16: the front desk (issue 18).
--  1. The configuration, not the schema, decides ticket kinds, categories and
--     channels (manyi.yaml: ticket_kinds, categories, channels; the engine
--     refuses codes it does not list). SQLite cannot drop a CHECK, so tickets
--     and interactions are copied into tables whose checks bound the length
--     only; every row and id is kept. Tickets are a parent table: with the
--     foreign keys deferred, the old table is dropped and the new one made
--     under the same name before the rows go back, so every child row finds
--     its parent again by the end of the (one) transaction of the upgrade.
--  2. Roles gain supervisor and department_head, scoped by department like
--     agents.
--  3. Customers are found by phone, e-mail and part of the name through
--     indexes: phone_key (the number's digits without +86/0086 and trunk 0,
--     computed by SQLite from the stored phone, so no writer can forget it),
--     e-mail without regard to case, and the name's bigrams.
-- Nothing here calls a function of the engine: the sqlite3 shell can write
-- every table afterwards and the derived columns and bigrams follow.
PRAGMA defer_foreign_keys = ON;

-- Child lookups by ticket (the drop below checks each ticket's children;
-- a customer's history reads them too).
CREATE INDEX IF NOT EXISTS outbox_by_ticket ON outbox(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS text_codes_by_ticket ON text_codes(ticket_id) WHERE ticket_id IS NOT NULL;
-- A customer's messages, for their history.
CREATE INDEX IF NOT EXISTS outbox_by_customer ON outbox(customer_id, created_at)
  WHERE customer_id IS NOT NULL;

CREATE TEMP TABLE mi_v16_tickets AS SELECT * FROM tickets;
DROP TABLE tickets;
CREATE TABLE tickets (
  id                INTEGER PRIMARY KEY,
  external_id       TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  customer_id       INTEGER NOT NULL REFERENCES customers(id),
  kind              TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),     -- ticket_kinds:
  category          TEXT NOT NULL CHECK (length(category) BETWEEN 1 AND 64), -- categories:
  severity          TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  channel           TEXT NOT NULL CHECK (length(channel) BETWEEN 1 AND 64),  -- channels:
  priority          INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
  department_id     INTEGER NOT NULL REFERENCES departments(id),
  status            TEXT NOT NULL
                    CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
  opened_at         INTEGER NOT NULL,
  first_response_at INTEGER CHECK (first_response_at >= opened_at),
  resolved_at       INTEGER CHECK (resolved_at >= opened_at),
  assignee_id       INTEGER REFERENCES staff(id),
  subject           TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
  stage             TEXT CHECK (stage IS NULL OR length(stage) BETWEEN 1 AND 64),
  CHECK ((resolved_at IS NOT NULL) = (status IN ('resolved', 'closed')))
) STRICT;
INSERT INTO tickets SELECT * FROM mi_v16_tickets;
DROP TABLE mi_v16_tickets;
CREATE INDEX tickets_by_customer ON tickets(customer_id, opened_at, kind, status); -- 0014_customer_facts.sql
CREATE INDEX tickets_by_department ON tickets(department_id, status);
CREATE INDEX tickets_by_status ON tickets(status, opened_at);
-- An agent's queue (ticket queue --staff).
CREATE INDEX tickets_by_assignee ON tickets(assignee_id, status) WHERE assignee_id IS NOT NULL;
CREATE TRIGGER response_block_ticket AFTER UPDATE OF department_id ON tickets BEGIN
  DELETE FROM response_blocks WHERE id IN (
    SELECT (SELECT b.id FROM response_blocks b WHERE b.survey_id = r.survey_id AND b.first_id <= r.id
            ORDER BY b.first_id DESC LIMIT 1)
    FROM invitations i JOIN responses r ON r.invitation_id = i.id WHERE i.ticket_id = NEW.id);
END;

CREATE TEMP TABLE mi_v16_interactions AS SELECT * FROM interactions;
DROP TABLE interactions;
CREATE TABLE interactions (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  channel     TEXT NOT NULL CHECK (length(channel) BETWEEN 1 AND 64), -- channels:
  direction   TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  occurred_at INTEGER NOT NULL,
  staff_id    INTEGER REFERENCES staff(id),
  summary     TEXT CHECK (length(summary) <= 4000)
) STRICT;
INSERT INTO interactions SELECT * FROM mi_v16_interactions;
DROP TABLE mi_v16_interactions;
CREATE INDEX interactions_by_customer ON interactions(customer_id, occurred_at);

CREATE TEMP TABLE mi_v16_roles AS SELECT * FROM roles;
DROP TABLE roles;
CREATE TABLE roles (
  user       TEXT PRIMARY KEY CHECK (length(user) BETWEEN 1 AND 32),
  role       TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'analyst', 'auditor', 'supervisor',
                                           'department_head')),
  department TEXT CHECK (length(department) BETWEEN 1 AND 64),
  granted_by TEXT NOT NULL CHECK (length(granted_by) BETWEEN 1 AND 64),
  granted_at INTEGER NOT NULL,
  CHECK ((role IN ('agent', 'supervisor', 'department_head')) = (department IS NOT NULL))
) STRICT;
INSERT INTO roles SELECT * FROM mi_v16_roles;
DROP TABLE mi_v16_roles;

-- The phone as the front desk types it: digits only ('+86 138-0013 8000',
-- '(0)21 7300 6156'), then without the country code 86 (0086; 86 when the
-- number has a '+'; or 86 before an 11-digit mobile number) and without the
-- trunk 0 of a landline, so '+86 21 7300 6156' and '021-7300-6156' are 2173006156.
-- core/util/text_fold.c (mi_phone_key) computes the same key of what is typed
-- (tests/e2e/desk.sh checks the two agree).
ALTER TABLE customers ADD COLUMN phone_digits TEXT GENERATED ALWAYS AS (
  replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', '')
) VIRTUAL;
ALTER TABLE customers ADD COLUMN phone_key TEXT GENERATED ALWAYS AS (
  ltrim(CASE
    WHEN phone_digits GLOB '0086*' THEN substr(phone_digits, 5)
    WHEN phone GLOB '*+*' AND phone_digits GLOB '86*' THEN substr(phone_digits, 3)
    WHEN phone_digits GLOB '861[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' THEN substr(phone_digits, 3)
    ELSE phone_digits END, '0')
) VIRTUAL;
CREATE INDEX customers_by_phone ON customers(phone_key);
CREATE INDEX customers_by_email ON customers(email COLLATE NOCASE);

-- Part of a name: every bigram (two characters; the last character alone)
-- of the name in lower case (ASCII letters; SQLite's lower()), kept by the
-- triggers below. A search of two characters or more looks up one bigram of
-- the search text and checks the names it finds; one character is a range
-- of bigrams. mi_seq numbers the characters (names have at most 200).
CREATE TABLE mi_seq (n INTEGER PRIMARY KEY) STRICT;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 200)
INSERT INTO mi_seq SELECT i FROM k;
CREATE TABLE customer_name_grams (
  gram        TEXT NOT NULL,
  customer_id INTEGER NOT NULL,
  PRIMARY KEY (gram, customer_id)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO customer_name_grams (gram, customer_id)
  SELECT substr(lower(c.name), s.n, 2), c.id FROM customers c JOIN mi_seq s ON s.n <= length(c.name);
CREATE TRIGGER customer_grams_insert AFTER INSERT ON customers BEGIN
  INSERT OR IGNORE INTO customer_name_grams (gram, customer_id)
    SELECT substr(lower(NEW.name), n, 2), NEW.id FROM mi_seq WHERE n <= length(NEW.name);
END;
CREATE TRIGGER customer_grams_update AFTER UPDATE OF name, id ON customers
WHEN OLD.name IS NOT NEW.name OR OLD.id IS NOT NEW.id BEGIN
  DELETE FROM customer_name_grams WHERE customer_id = OLD.id AND gram IN (
    SELECT substr(lower(OLD.name), n, 2) FROM mi_seq WHERE n <= length(OLD.name));
  INSERT OR IGNORE INTO customer_name_grams (gram, customer_id)
    SELECT substr(lower(NEW.name), n, 2), NEW.id FROM mi_seq WHERE n <= length(NEW.name);
END;
CREATE TRIGGER customer_grams_delete AFTER DELETE ON customers BEGIN
  DELETE FROM customer_name_grams WHERE customer_id = OLD.id AND gram IN (
    SELECT substr(lower(OLD.name), n, 2) FROM mi_seq WHERE n <= length(OLD.name));
END;
