-- Version 13: the responses of a survey packed for the scans, a derived copy.
-- A block holds up to 4096 responses of one survey in id order as columns,
-- with the department of the ticket each one's invitation followed
-- (core/store/response_block.c says the layout), so that a score reads one
-- blob per 4096 responses instead of stepping SQLite once per response.
-- The rows of `responses` stay the truth: any write to a response drops the
-- block that holds it (the triggers below), its ids are then read as rows
-- until the engine packs them again (after an import, or when a score found
-- many responses outside blocks). Deleting every block is always safe.
-- A later migration that rewrites `responses` wholesale must empty this table.
CREATE TABLE response_blocks (
  id        INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  first_id  INTEGER NOT NULL, -- the smallest and largest response id it holds
  last_id   INTEGER NOT NULL CHECK (last_id >= first_id),
  min_at    INTEGER NOT NULL, -- the earliest and latest submitted_at it holds
  max_at    INTEGER NOT NULL,
  n         INTEGER NOT NULL CHECK (n > 0),
  data      BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX response_blocks_by_survey ON response_blocks(survey_id, first_id);

-- The block of survey `sv` whose id range holds response `rid`: the one with
-- the largest first_id not above rid (one index look-up), if its range
-- reaches rid. A new response past every block costs that one look-up.
CREATE TRIGGER response_block_insert AFTER INSERT ON responses BEGIN
  DELETE FROM response_blocks WHERE id = (
    SELECT id FROM response_blocks WHERE survey_id = NEW.survey_id AND first_id <= NEW.id
    ORDER BY first_id DESC LIMIT 1) AND last_id >= NEW.id;
END;
CREATE TRIGGER response_block_update AFTER UPDATE OF id, survey_id, customer_id, invitation_id,
  submitted_at, channel, scale_answers, weight, wave_id, stratum, flagged ON responses BEGIN
  DELETE FROM response_blocks WHERE id = (
    SELECT id FROM response_blocks WHERE survey_id = OLD.survey_id AND first_id <= OLD.id
    ORDER BY first_id DESC LIMIT 1) AND last_id >= OLD.id;
  DELETE FROM response_blocks WHERE id = (
    SELECT id FROM response_blocks WHERE survey_id = NEW.survey_id AND first_id <= NEW.id
    ORDER BY first_id DESC LIMIT 1) AND last_id >= NEW.id;
END;
CREATE TRIGGER response_block_delete AFTER DELETE ON responses BEGIN
  DELETE FROM response_blocks WHERE id = (
    SELECT id FROM response_blocks WHERE survey_id = OLD.survey_id AND first_id <= OLD.id
    ORDER BY first_id DESC LIMIT 1) AND last_id >= OLD.id;
END;
-- A response's department is its invitation's ticket's: a ticket moved to
-- another department, or an invitation to another ticket, drops the blocks of
-- the responses concerned (found through the index below).
CREATE INDEX invitations_by_ticket ON invitations(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE TRIGGER response_block_ticket AFTER UPDATE OF department_id ON tickets BEGIN
  DELETE FROM response_blocks WHERE id IN (
    SELECT (SELECT b.id FROM response_blocks b WHERE b.survey_id = r.survey_id AND b.first_id <= r.id
            ORDER BY b.first_id DESC LIMIT 1)
    FROM invitations i JOIN responses r ON r.invitation_id = i.id WHERE i.ticket_id = NEW.id);
END;
CREATE TRIGGER response_block_invitation AFTER UPDATE OF ticket_id ON invitations BEGIN
  DELETE FROM response_blocks WHERE id IN (
    SELECT (SELECT b.id FROM response_blocks b WHERE b.survey_id = r.survey_id AND b.first_id <= r.id
            ORDER BY b.first_id DESC LIMIT 1)
    FROM responses r WHERE r.invitation_id = NEW.id);
END;

-- Whether an invitation was answered, kept by triggers like `flagged`, so
-- that a report counts a period's invitations and their answers from one
-- index (which now covers the wave and this flag) without a look-up in
-- responses per invitation.
ALTER TABLE invitations ADD COLUMN answered INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1));
UPDATE invitations SET answered = 1
  WHERE id IN (SELECT invitation_id FROM responses WHERE invitation_id IS NOT NULL);
DROP INDEX invitations_by_survey;
CREATE INDEX invitations_by_survey ON invitations(survey_id, created_at, wave_id, answered);
CREATE TRIGGER invitation_answered AFTER INSERT ON responses WHEN NEW.invitation_id IS NOT NULL BEGIN
  UPDATE invitations SET answered = 1 WHERE id = NEW.invitation_id AND answered = 0;
END;
CREATE TRIGGER invitation_unanswered AFTER DELETE ON responses WHEN OLD.invitation_id IS NOT NULL BEGIN
  UPDATE invitations SET answered = 0 WHERE id = OLD.invitation_id;
END;
CREATE TRIGGER invitation_answer_moved AFTER UPDATE OF invitation_id ON responses
  WHEN OLD.invitation_id IS NOT NEW.invitation_id BEGIN
  UPDATE invitations SET answered = 0 WHERE id = OLD.invitation_id;
  UPDATE invitations SET answered = 1 WHERE id = NEW.invitation_id;
END;
