-- Stock per drop. The CHECK constraints are the guarantee, not the code: stock can never go
-- below zero and available + reserved + sold = total holds at every commit.
CREATE TABLE stock (
  drop_id             uuid PRIMARY KEY,
  total               integer NOT NULL CHECK (total > 0),
  available           integer NOT NULL CHECK (available >= 0),
  reserved            integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  sold                integer NOT NULL DEFAULT 0 CHECK (sold >= 0),
  per_buyer_limit     integer NOT NULL CHECK (per_buyer_limit > 0),
  low_stock_threshold integer NOT NULL CHECK (low_stock_threshold >= 0),
  low_stock_sent      boolean NOT NULL DEFAULT false,
  CONSTRAINT stock_accounted CHECK (available + reserved + sold = total)
);

-- One reservation per order (the idempotency key of Reserve, Confirm and Release).
CREATE TABLE reservations (
  order_id   uuid PRIMARY KEY,
  drop_id    uuid NOT NULL REFERENCES stock (drop_id),
  buyer_id   uuid NOT NULL,
  quantity   integer NOT NULL CHECK (quantity > 0),
  state      text NOT NULL CHECK (state IN ('held', 'confirmed', 'released', 'expired')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- What a buyer already holds or bought of a drop (the per-buyer limit).
CREATE INDEX reservations_buyer_idx ON reservations (drop_id, buyer_id)
  WHERE state IN ('held', 'confirmed');
-- What the expiry sweeper returns.
CREATE INDEX reservations_expiry_idx ON reservations (expires_at) WHERE state = 'held';
