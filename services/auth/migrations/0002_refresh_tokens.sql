-- Refresh tokens rotate: each use marks the token used and issues the next one in the same
-- family. Presenting a used token again means it leaked: the whole family is revoked.
-- Only a SHA-256 of the token is stored, so a database dump cannot be replayed.
CREATE TABLE refresh_tokens (
  token_hash  text PRIMARY KEY,
  family_id   uuid NOT NULL,
  user_id     uuid NOT NULL REFERENCES users (id),
  issued_at   timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
