-- The follow graph. An unfollow deactivates the row instead of deleting it, and a re-follow
-- reactivates it with its original `seq`: a follower's position in every list is fixed for
-- life, so keyset pages (by seq) never show anyone twice or skip anyone, whatever follows
-- and unfollows happen between page reads.
CREATE TABLE follows (
  creator_id  uuid NOT NULL,
  follower_id uuid NOT NULL,
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  followed_at timestamptz NOT NULL DEFAULT now(),
  active      boolean NOT NULL DEFAULT true,
  PRIMARY KEY (creator_id, follower_id)
);
-- A creator's followers, newest first; a page deep in a million costs one index descent.
CREATE INDEX follows_followers_idx ON follows (creator_id, seq DESC) WHERE active;
-- Whom a user follows, newest first.
CREATE INDEX follows_following_idx ON follows (follower_id, seq DESC) WHERE active;

-- Counts split over a few slots per user so that a celebrity's follow storm does not queue
-- on one row lock; a read sums at most kCountSlots rows.
CREATE TABLE follow_counts (
  user_id   uuid NOT NULL,
  slot      smallint NOT NULL,
  followers bigint NOT NULL DEFAULT 0,
  following bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, slot)
);
