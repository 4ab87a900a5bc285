-- Version 20: personal links to the hosted questionnaire (manyi serve). A
-- link is given to the customer once, in the invitation's message; only the
-- SHA-256 digest of its token is kept, so this table alone opens nothing.
-- A reminder adds a link of its own: each opens the same invitation.
-- Depends only on tables of version 1.
CREATE TABLE IF NOT EXISTS survey_links (
  token_digest  BLOB PRIMARY KEY CHECK (length(token_digest) = 32),
  invitation_id INTEGER NOT NULL REFERENCES invitations(id),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL CHECK (expires_at > created_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS survey_links_by_invitation ON survey_links(invitation_id);

-- The other systems that call manyi serve's API (a call-centre front end, a
-- WeChat service account): each with the role and, for the scoped roles,
-- the department its calls act as, and the digest of its bearer token
-- (`manyi serve client add` shows the token once). A revoked client keeps
-- its row, so the audit log's "api:NAME" stays explained.
CREATE TABLE IF NOT EXISTS api_clients (
  name         TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 32),
  token_digest BLOB NOT NULL UNIQUE CHECK (length(token_digest) = 32),
  role         TEXT NOT NULL,
  department   TEXT,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER
) STRICT;
