-- Orders and the saga that drives each one. `status` is what the buyer sees; `stage` is how
-- far the saga got, persisted before each next step so a crash resumes where it stopped:
--   placed → reserved → charging → charged → done (confirmed)
--   charging → releasing → done (failed: payment refused)
--   charged → refunding → releasing → done (failed: the reservation lapsed before confirm)
--   placed | reserved → releasing → done (cancelled by the buyer)
CREATE TABLE orders (
  id            uuid PRIMARY KEY,
  seq           bigserial NOT NULL UNIQUE,
  buyer_id      uuid NOT NULL,
  drop_id       uuid NOT NULL,
  quantity      integer NOT NULL CHECK (quantity > 0),
  amount        bigint NOT NULL CHECK (amount >= 0),
  currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  payment_token text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'confirmed', 'failed', 'cancelled')),
  stage         text NOT NULL CHECK (stage IN ('placed', 'reserved', 'charging', 'charged',
                                               'refunding', 'releasing', 'done')),
  failure_code  text,
  -- Whoever drives the saga holds it until then; a crashed driver's orders are taken over by
  -- the recovery loop once the lease lapses.
  lease_until   timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_terminal CHECK ((status = 'pending') = (stage <> 'done'))
);
-- A buyer's orders, newest first (keyset pages on seq).
CREATE INDEX orders_buyer_idx ON orders (buyer_id, seq DESC);
-- What the recovery loop picks up.
CREATE INDEX orders_unfinished_idx ON orders (lease_until) WHERE stage <> 'done';

-- Idempotency-Key per buyer: the first request's body hash and the order it made. Kept at
-- least 24 hours (the sweeper deletes older keys).
CREATE TABLE idempotency_keys (
  buyer_id     uuid NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  order_id     uuid NOT NULL REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (buyer_id, key)
);
CREATE INDEX idempotency_keys_age_idx ON idempotency_keys (created_at);
