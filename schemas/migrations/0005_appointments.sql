-- Version 5: on-site appointments and the skills they need.
-- A skill is a short lowercase code ('aircon', 'washer'); staff get theirs
-- from the `skills` column of the staff import.
CREATE TABLE staff_skills (
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  skill    TEXT NOT NULL CHECK (length(skill) BETWEEN 1 AND 64
                                AND skill NOT GLOB '*[^a-z0-9_-]*'),
  PRIMARY KEY (staff_id, skill)
) STRICT, WITHOUT ROWID;
CREATE INDEX staff_skills_by_skill ON staff_skills(skill, staff_id);

-- A visit of one staff member for one ticket, [starts_at, ends_at) in UTC.
-- booked -> done | cancelled, nothing else; closed_at is set exactly when it
-- leaves 'booked'. Rows are never deleted: the ticket log refers to them.
CREATE TABLE appointments (
  id        INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  staff_id  INTEGER NOT NULL REFERENCES staff(id),
  skill     TEXT NOT NULL CHECK (length(skill) BETWEEN 1 AND 64
                                 AND skill NOT GLOB '*[^a-z0-9_-]*'),
  starts_at INTEGER NOT NULL,
  ends_at   INTEGER NOT NULL CHECK (ends_at > starts_at AND ends_at - starts_at <= 86400),
  status    TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'done', 'cancelled')),
  booked_at INTEGER NOT NULL,
  booked_by TEXT NOT NULL CHECK (length(booked_by) BETWEEN 1 AND 64),
  closed_at INTEGER,
  CHECK ((closed_at IS NULL) = (status = 'booked'))
) STRICT;
CREATE INDEX appointments_by_staff ON appointments(staff_id, starts_at);
CREATE INDEX appointments_by_ticket ON appointments(ticket_id);

-- Conflicts are impossible whatever writes the table: a booked visit may not
-- overlap another booked visit of the same staff member.
CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status = 'booked' AND EXISTS (
  SELECT 1 FROM appointments a WHERE a.staff_id = NEW.staff_id AND a.status = 'booked'
     AND a.starts_at < NEW.ends_at AND NEW.starts_at < a.ends_at)
BEGIN SELECT RAISE(ABORT, 'appointment overlaps a booked appointment of the same staff member'); END;

-- Only the status moves, and only out of 'booked'.
CREATE TRIGGER appointments_moves BEFORE UPDATE ON appointments
WHEN OLD.status <> 'booked' OR NEW.ticket_id IS NOT OLD.ticket_id
  OR NEW.staff_id IS NOT OLD.staff_id OR NEW.skill IS NOT OLD.skill
  OR NEW.starts_at IS NOT OLD.starts_at OR NEW.ends_at IS NOT OLD.ends_at
  OR NEW.booked_at IS NOT OLD.booked_at OR NEW.booked_by IS NOT OLD.booked_by
BEGIN SELECT RAISE(ABORT, 'an appointment only moves from booked to done or cancelled; book a new one instead'); END;

CREATE TRIGGER appointments_no_delete BEFORE DELETE ON appointments
BEGIN SELECT RAISE(ABORT, 'appointments are kept: cancel one instead'); END;
