-- Version 12: roles live in the database, not in the configuration. Who a user
-- is comes from the operating system (the real uid's name); what they may do
-- is their row here, changed only by an administrator with `manyi role
-- grant|revoke` (each change audited in the same transaction). A user without
-- a row is refused, except the owner of the database file and root, who act
-- as admin (they can change the file with any tool anyway): this is how the
-- first administrator, the user who ran `manyi init`, gets in.
CREATE TABLE roles (
  user       TEXT PRIMARY KEY CHECK (length(user) BETWEEN 1 AND 32),
  role       TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'analyst', 'auditor')),
  department TEXT CHECK (length(department) BETWEEN 1 AND 64),
  granted_by TEXT NOT NULL CHECK (length(granted_by) BETWEEN 1 AND 64),
  granted_at INTEGER NOT NULL,
  CHECK ((role = 'agent') = (department IS NOT NULL))
) STRICT;
