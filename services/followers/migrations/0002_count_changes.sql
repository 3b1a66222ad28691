-- How many changes each slot has seen. Summed over a user's slots it grows with every
-- committed follow or unfollow, so it versions the cached counts: an older read can never
-- replace a newer one in the cache.
ALTER TABLE follow_counts ADD COLUMN changes bigint NOT NULL DEFAULT 0;
