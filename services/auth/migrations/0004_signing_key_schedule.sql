-- Signing keys rotate on a schedule (key_schedule.h): a key is published in the JWKS from
-- created_at but signs only from activates_at, so every gateway holds it before the first token
-- signed with it; the key it replaces stays published until that key's tokens have expired,
-- then retired_at is set. Existing keys signed from their creation.
ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz;
UPDATE signing_keys SET activates_at = created_at;
ALTER TABLE signing_keys ALTER COLUMN activates_at SET NOT NULL;
ALTER TABLE signing_keys ALTER COLUMN activates_at SET DEFAULT now();
