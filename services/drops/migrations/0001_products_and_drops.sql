-- Products a creator sells, and drops: a product on sale in limited quantity for a window.
CREATE TABLE products (
  id           uuid PRIMARY KEY,
  creator_id   uuid NOT NULL,
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  unit_amount  bigint NOT NULL CHECK (unit_amount >= 0),
  currency     char(3) NOT NULL,
  image_urls   text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_creator_idx ON products (creator_id, created_at DESC);

CREATE TABLE drops (
  id              uuid PRIMARY KEY,
  creator_id      uuid NOT NULL,
  product_id      uuid NOT NULL REFERENCES products (id),
  starts_at       timestamptz NOT NULL,
  ends_at         timestamptz NOT NULL,
  quantity        integer NOT NULL CHECK (quantity > 0),
  per_buyer_limit integer NOT NULL CHECK (per_buyer_limit > 0 AND per_buyer_limit <= quantity),
  status          text NOT NULL DEFAULT 'scheduled'
                  CHECK (status IN ('scheduled', 'live', 'sold_out', 'ended', 'cancelled')),
  -- Bumped on every change: caches keep only the newest version of a drop.
  version         bigint NOT NULL DEFAULT 1,
  seq             bigint GENERATED ALWAYS AS IDENTITY,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  ended_at        timestamptz,
  CHECK (ends_at > starts_at)
);
-- The scheduler's two questions: what must start, what must end.
CREATE INDEX drops_due_start_idx ON drops (starts_at) WHERE status = 'scheduled';
CREATE INDEX drops_due_end_idx ON drops (ends_at) WHERE status IN ('live', 'sold_out');
-- Browse pages, newest first, optionally by status and by creator.
CREATE INDEX drops_seq_idx ON drops (seq DESC);
CREATE INDEX drops_status_idx ON drops (status, seq DESC);
CREATE INDEX drops_creator_idx ON drops (creator_id, seq DESC);
