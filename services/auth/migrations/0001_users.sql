-- Accounts. Emails are unique case-insensitively: email keeps what the user typed,
-- email_normalized (lower-cased, trimmed) carries the uniqueness.
CREATE TABLE users (
  id               uuid PRIMARY KEY,
  email            text NOT NULL,
  email_normalized text NOT NULL,
  password_hash    text NOT NULL,
  display_name     text NOT NULL,
  role             text NOT NULL CHECK (role IN ('buyer', 'creator', 'admin')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_email_normalized_key UNIQUE (email_normalized)
);
