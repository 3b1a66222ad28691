-- One sequence orders every notification, personal or broadcast: an inbox merges both and
-- pages by it (keyset), and a read mark is a position in it.
CREATE SEQUENCE notification_seq;

-- Personal notifications (a buyer's own orders), one row per user and event.
CREATE TABLE personal_notifications (
  id           uuid PRIMARY KEY,  -- the source event's envelope id: redelivery inserts nothing
  seq          bigint NOT NULL UNIQUE DEFAULT nextval('notification_seq'),
  user_id      uuid NOT NULL,
  type         text NOT NULL,
  occurred_at  timestamptz NOT NULL,  -- the source event's time
  data         json NOT NULL,  -- json, not jsonb: read back byte for byte as published
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX personal_by_user_idx ON personal_notifications (user_id, seq DESC);

-- A creator's broadcasts (their drops going live, selling out, ...), stored once however many
-- follow them; each follower's inbox merges them on read.
CREATE TABLE broadcasts (
  id           uuid PRIMARY KEY,
  seq          bigint NOT NULL UNIQUE DEFAULT nextval('notification_seq'),
  creator_id   uuid NOT NULL,
  type         text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  data         json NOT NULL,  -- json, not jsonb: read back byte for byte as published
  created_at   timestamptz NOT NULL DEFAULT now()
);
-- occurred_at is included so the per-follow "since" filter is answered from the index.
CREATE INDEX broadcasts_by_creator_idx ON broadcasts (creator_id, seq DESC) INCLUDE (occurred_at);

-- Whom a drop belongs to, learnt from livedrop.drops (inventory events name only the drop).
CREATE TABLE drop_creators (
  drop_id     uuid PRIMARY KEY,
  creator_id  uuid NOT NULL,
  product_id  uuid,
  title       text NOT NULL DEFAULT ''
);

-- Inventory events that arrived before their drop was known: kept here (not retried, which
-- would stall the consumer and with it the very livedrop.drops event that resolves them) and
-- turned into broadcasts as soon as the drop is learnt.
CREATE TABLE pending_broadcasts (
  id           uuid PRIMARY KEY,
  drop_id      uuid NOT NULL,
  type         text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  envelope     text NOT NULL,  -- the source envelope, serialized, base64url
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_broadcasts_drop_idx ON pending_broadcasts (drop_id);

-- The local projection of livedrop.followers: who follows whom, since when.
CREATE TABLE follows (
  user_id     uuid NOT NULL,
  creator_id  uuid NOT NULL,
  since       timestamptz NOT NULL,  -- when the user last started following
  active      boolean NOT NULL,
  changed_at  timestamptz NOT NULL,  -- time of the newest event applied: older ones change nothing
  PRIMARY KEY (user_id, creator_id)
);
-- The inbox query's first step: the creators a user follows now.
CREATE INDEX follows_active_idx ON follows (user_id) INCLUDE (creator_id, since) WHERE active;

-- Everything at or below up_to_seq in the user's inbox is read.
CREATE TABLE read_marks (
  user_id    uuid PRIMARY KEY,
  up_to_seq  bigint NOT NULL DEFAULT 0
);
