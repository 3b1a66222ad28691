-- Ed25519 keys that sign access tokens, shared by every auth instance. The newest active key
-- signs; every key not retired (or retired less than a token lifetime ago) is published.
CREATE TABLE signing_keys (
  kid         text PRIMARY KEY,
  public_key  text NOT NULL,   -- base64url
  secret_key  text NOT NULL,   -- base64url
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz
);
