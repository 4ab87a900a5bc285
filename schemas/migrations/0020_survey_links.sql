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
