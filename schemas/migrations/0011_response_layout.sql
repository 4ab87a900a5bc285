-- Version 11: responses laid out for the survey scans. A score of one survey
-- over a period reads one row per response and nothing else:
--   scale_answers  the response's scale answers, a JSON object from question
--                  id to value ({"12":5,"13":4}); open answers stay in
--                  answer_texts. The view `answers` shows both as before,
--                  one row per answer, for ad hoc SQL in any SQLite shell.
--   weight, wave_id, stratum  the design of the invitation it answered
--                  (copied when the response is stored, kept up to date by
--                  the triggers below; weight 1 without an invitation)
--   flagged        1 while response_flags holds a row for it (triggers)
-- The old answer rows move into the new columns within the upgrade's one
-- transaction: a killed upgrade leaves version 10 whole.
ALTER TABLE responses ADD COLUMN scale_answers TEXT
  CHECK (scale_answers IS NULL OR json_type(scale_answers) = 'object');
ALTER TABLE responses ADD COLUMN weight REAL NOT NULL DEFAULT 1 CHECK (weight > 0);
ALTER TABLE responses ADD COLUMN wave_id INTEGER REFERENCES survey_waves(id);
ALTER TABLE responses ADD COLUMN stratum TEXT;
ALTER TABLE responses ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1));

UPDATE responses SET
  scale_answers = (SELECT json_group_object(question_id, value)
                   FROM (SELECT question_id, iif(value = CAST(value AS INTEGER)
                                                 AND abs(value) < 1e15,
                                                 CAST(value AS INTEGER), value) AS value
                         FROM answers
                         WHERE response_id = responses.id AND value IS NOT NULL
                         ORDER BY question_id)),
  flagged = EXISTS (SELECT 1 FROM response_flags f WHERE f.response_id = responses.id);
UPDATE responses SET scale_answers = NULL WHERE scale_answers = '{}';
UPDATE responses SET (weight, wave_id, stratum) =
  (SELECT i.weight, i.wave_id, i.stratum FROM invitations i WHERE i.id = responses.invitation_id)
  WHERE invitation_id IS NOT NULL;

-- A period's invitations (the report's response rate) without reading them all.
CREATE INDEX invitations_by_survey ON invitations(survey_id, created_at);

CREATE TABLE answer_texts (
  response_id INTEGER NOT NULL REFERENCES responses(id),
  question_id INTEGER NOT NULL REFERENCES questions(id),
  text        TEXT NOT NULL CHECK (length(text) <= 10000),
  PRIMARY KEY (response_id, question_id)
) STRICT, WITHOUT ROWID;
INSERT INTO answer_texts SELECT response_id, question_id, text FROM answers WHERE text IS NOT NULL;
DROP TABLE answers;

CREATE VIEW answers (response_id, question_id, value, text) AS
  SELECT r.id, CAST(j.key AS INTEGER), CAST(j.value AS REAL), NULL
  FROM responses r, json_each(r.scale_answers) j
  UNION ALL
  SELECT response_id, question_id, NULL, text FROM answer_texts;

-- A flag sets `flagged`; removing the last flag of a response clears it.
CREATE TRIGGER response_flagged AFTER INSERT ON response_flags BEGIN
  UPDATE responses SET flagged = 1 WHERE id = NEW.response_id AND flagged = 0;
END;
CREATE TRIGGER response_unflagged AFTER DELETE ON response_flags BEGIN
  UPDATE responses SET flagged = EXISTS (SELECT 1 FROM response_flags WHERE response_id = OLD.response_id)
  WHERE id = OLD.response_id;
END;
-- The design follows its invitation: when a response is stored or moved to
-- another invitation with other values (the engine stores them already), and
-- when an invitation's design changes.
CREATE TRIGGER response_design AFTER INSERT ON responses
  WHEN NEW.invitation_id IS NOT NULL AND (NEW.weight, NEW.wave_id, NEW.stratum) IS NOT
       (SELECT weight, wave_id, stratum FROM invitations WHERE id = NEW.invitation_id) BEGIN
  UPDATE responses SET (weight, wave_id, stratum) =
    (SELECT weight, wave_id, stratum FROM invitations WHERE id = NEW.invitation_id)
  WHERE id = NEW.id;
END;
CREATE TRIGGER response_design_moved AFTER UPDATE OF invitation_id ON responses BEGIN
  UPDATE responses SET
    weight = coalesce((SELECT weight FROM invitations WHERE id = NEW.invitation_id), 1),
    wave_id = (SELECT wave_id FROM invitations WHERE id = NEW.invitation_id),
    stratum = (SELECT stratum FROM invitations WHERE id = NEW.invitation_id)
  WHERE id = NEW.id;
END;
CREATE TRIGGER invitation_design AFTER UPDATE OF weight, wave_id, stratum ON invitations BEGIN
  UPDATE responses SET (weight, wave_id, stratum) = (NEW.weight, NEW.wave_id, NEW.stratum)
  WHERE invitation_id = NEW.id;
END;

-- The view takes hand edits as the table did: an answer inserted, changed or
-- deleted through `answers` lands in scale_answers or answer_texts.
CREATE TRIGGER answers_insert INSTEAD OF INSERT ON answers BEGIN
  SELECT RAISE(ABORT, 'an answer has a value or a text, not both')
    WHERE (NEW.value IS NULL) = (NEW.text IS NULL);
  SELECT RAISE(ABORT, 'no such response') WHERE NOT EXISTS (SELECT 1 FROM responses WHERE id = NEW.response_id);
  SELECT RAISE(ABORT, 'the response already has an answer to that question')
    WHERE (SELECT scale_answers ->> ('$.' || NEW.question_id) FROM responses WHERE id = NEW.response_id) IS NOT NULL
       OR EXISTS (SELECT 1 FROM answer_texts WHERE response_id = NEW.response_id AND question_id = NEW.question_id);
  UPDATE responses SET scale_answers = json_set(coalesce(scale_answers, '{}'), '$.' || NEW.question_id, NEW.value)
    WHERE id = NEW.response_id AND NEW.value IS NOT NULL;
  INSERT INTO answer_texts (response_id, question_id, text)
    SELECT NEW.response_id, NEW.question_id, NEW.text WHERE NEW.text IS NOT NULL;
END;
CREATE TRIGGER answers_delete INSTEAD OF DELETE ON answers BEGIN
  UPDATE responses SET scale_answers = nullif(json_remove(scale_answers, '$.' || OLD.question_id), '{}')
    WHERE id = OLD.response_id AND OLD.value IS NOT NULL;
  DELETE FROM answer_texts WHERE response_id = OLD.response_id AND question_id = OLD.question_id
    AND OLD.text IS NOT NULL;
END;
CREATE TRIGGER answers_update INSTEAD OF UPDATE ON answers BEGIN
  SELECT RAISE(ABORT, 'an answer has a value or a text, not both')
    WHERE (NEW.value IS NULL) = (NEW.text IS NULL);
  UPDATE responses SET scale_answers = nullif(json_remove(scale_answers, '$.' || OLD.question_id), '{}')
    WHERE id = OLD.response_id AND OLD.value IS NOT NULL;
  DELETE FROM answer_texts WHERE response_id = OLD.response_id AND question_id = OLD.question_id
    AND OLD.text IS NOT NULL;
  UPDATE responses SET scale_answers = json_set(coalesce(scale_answers, '{}'), '$.' || NEW.question_id, NEW.value)
    WHERE id = NEW.response_id AND NEW.value IS NOT NULL;
  INSERT INTO answer_texts (response_id, question_id, text)
    SELECT NEW.response_id, NEW.question_id, NEW.text WHERE NEW.text IS NOT NULL;
END;
