-- Version 8: categories of open answers and complaint texts, as the coding
-- policy decided them (one row per text and category). A text coded to no
-- category has a row with category '' so that it is not coded again.
CREATE TABLE text_codes (
  source      TEXT NOT NULL CHECK (source IN ('survey', 'complaint')),
  response_id INTEGER REFERENCES responses(id),
  question_id INTEGER REFERENCES questions(id),
  ticket_id   INTEGER REFERENCES tickets(id),
  category    TEXT NOT NULL CHECK (length(category) <= 64),
  coded_at    INTEGER NOT NULL,
  CHECK ((source = 'survey') = (response_id IS NOT NULL AND question_id IS NOT NULL)),
  CHECK ((source = 'complaint') = (ticket_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX text_codes_once ON text_codes(source, coalesce(response_id, 0),
  coalesce(question_id, 0), coalesce(ticket_id, 0), category);
