-- Version 17: storing a response costs less (the import's rate, bench/run.sh).
--
-- responses_by_survey was (survey_id, submitted_at): responses that do not
-- arrive in time order (a back-filled CSV) each went into a random place of
-- it, as much as the table's own insert. Scores read a survey's responses by
-- id range (packed blocks carry their first and last time), so the index now
-- keeps ids in order within a survey ((survey_id) holds the rowid after it):
-- a new response is appended.
DROP INDEX responses_by_survey;
CREATE INDEX responses_by_survey ON responses(survey_id);

-- The three triggers that ran after each insert are one: SQLite starts a
-- trigger program per trigger and row even when its WHEN is false. Each
-- statement keeps the condition of its old trigger.
DROP TRIGGER response_block_insert;
DROP TRIGGER response_design;
DROP TRIGGER invitation_answered;
CREATE TRIGGER response_inserted AFTER INSERT ON responses BEGIN
  -- the block of the survey whose id range holds the new id, if any
  -- (0013_response_blocks.sql): one index look-up
  DELETE FROM response_blocks WHERE id = (
    SELECT id FROM response_blocks WHERE survey_id = NEW.survey_id AND first_id <= NEW.id
    ORDER BY first_id DESC LIMIT 1) AND last_id >= NEW.id;
  -- the design of the invitation answered (0011_response_layout.sql)
  UPDATE responses SET (weight, wave_id, stratum) =
    (SELECT weight, wave_id, stratum FROM invitations WHERE id = NEW.invitation_id)
  WHERE id = NEW.id AND NEW.invitation_id IS NOT NULL AND (NEW.weight, NEW.wave_id, NEW.stratum) IS NOT
        (SELECT weight, wave_id, stratum FROM invitations WHERE id = NEW.invitation_id);
  -- the invitation is answered (0013_response_blocks.sql)
  UPDATE invitations SET answered = 1
  WHERE NEW.invitation_id IS NOT NULL AND id = NEW.invitation_id AND answered = 0;
END;
