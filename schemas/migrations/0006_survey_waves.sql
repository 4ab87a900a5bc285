-- Version 6: survey waves (a sample drawn for one survey, with its design)
-- and response flags from cleaning.
CREATE TABLE survey_waves (
  id          INTEGER PRIMARY KEY,
  survey_code TEXT NOT NULL CHECK (length(survey_code) BETWEEN 1 AND 64),
  code        TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
  survey_id   INTEGER NOT NULL REFERENCES surveys(id),
  method      TEXT NOT NULL CHECK (method IN ('srs', 'stratified', 'cluster')),
  design      TEXT NOT NULL CHECK (json_valid(design)),
  created_at  INTEGER NOT NULL,
  UNIQUE (survey_code, code)
) STRICT;

-- Invitations of a wave: one per customer (a rerun cannot add a second).
ALTER TABLE invitations ADD COLUMN wave_id INTEGER REFERENCES survey_waves(id);
CREATE UNIQUE INDEX invitations_once_per_wave ON invitations(wave_id, customer_id)
  WHERE wave_id IS NOT NULL;
CREATE INDEX invitations_by_wave ON invitations(wave_id, status);

-- Cleaning flags a response, never deletes it; scores leave flagged ones out
-- unless asked. One row per response and reason.
CREATE TABLE response_flags (
  response_id INTEGER NOT NULL REFERENCES responses(id),
  reason      TEXT NOT NULL
              CHECK (reason IN ('duplicate', 'speeder', 'straight_liner', 'out_of_range', 'missing')),
  detail      TEXT,
  flagged_at  INTEGER NOT NULL,
  PRIMARY KEY (response_id, reason)
) STRICT, WITHOUT ROWID;
