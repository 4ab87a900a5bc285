-- Version 9: agent scorecards (`manyi eval staff --period P`): one row per
-- staff member and period with the figures the evaluation policy saw and its
-- rating and notes; a rerun of the period replaces the row.
CREATE TABLE staff_evaluations (
  id                 INTEGER PRIMARY KEY,
  staff_id           INTEGER NOT NULL REFERENCES staff(id),
  period             TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-*'),
  tickets            INTEGER NOT NULL CHECK (tickets >= 0),
  first_response_met REAL CHECK (first_response_met BETWEEN 0 AND 1),
  resolution_met     REAL CHECK (resolution_met BETWEEN 0 AND 1),
  median_resolution_s INTEGER CHECK (median_resolution_s >= 0),
  satisfied_share    REAL CHECK (satisfied_share BETWEEN 0 AND 1),
  complaints         INTEGER NOT NULL CHECK (complaints >= 0),
  rating             TEXT NOT NULL CHECK (length(rating) BETWEEN 1 AND 16),
  figures            TEXT NOT NULL CHECK (json_valid(figures)),
  notes              TEXT NOT NULL CHECK (json_valid(notes)),
  policy             TEXT,
  computed_at        INTEGER NOT NULL,
  UNIQUE (staff_id, period)
) STRICT;
