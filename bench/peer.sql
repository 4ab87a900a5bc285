-- The peer for bench/run.sh: the same two CSV files loaded by the sqlite3
-- command-line shell with `.import --csv --skip 1`, into tables with the same
-- columns and types as the CSV headers and a UNIQUE external_id, under the
-- durability settings manyi uses (WAL, synchronous=NORMAL).
--
-- This is the floor for "load a CSV into SQLite": the shell does no
-- validation, stores an empty field as '' (not NULL), keeps customer_id as
-- text instead of resolving it to a customer row, and writes everything in
-- one transaction. synchronous is per connection, so run.sh sets it again on
-- each import connection; journal_mode=WAL is stored in the database file.
-- .import maps CSV columns to table columns by position, so the tables have
-- exactly the CSV columns, in order; the implicit rowid is the surrogate key.

PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;

CREATE TABLE customers (
    external_id   TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    region        TEXT,
    industry      TEXT,
    phone         TEXT,
    email         TEXT,
    birthday      TEXT,
    consent_email INTEGER NOT NULL,
    consent_sms   INTEGER NOT NULL,
    consent_phone INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    referred_by   TEXT
);

CREATE TABLE responses (
    external_id   TEXT NOT NULL UNIQUE,
    survey        TEXT NOT NULL,
    customer_id   TEXT NOT NULL,
    submitted_at  TEXT NOT NULL,
    duration_s    INTEGER,
    channel       TEXT,
    q_overall     INTEGER,
    q_quality     INTEGER,
    q_attitude    INTEGER,
    q_speed       INTEGER,
    q_repair      INTEGER,
    q_price       INTEGER,
    q_explain     INTEGER,
    q_wait        INTEGER,
    q_nps         INTEGER,
    q_comment     TEXT
);
