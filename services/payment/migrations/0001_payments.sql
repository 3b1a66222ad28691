-- One payment per order: the order id is the idempotency key of Charge and Refund, so a
-- retried or concurrent charge finds the existing row instead of creating a second payment.
-- A load generator reads this table; keep the column names and state strings.
CREATE TABLE payments (
  order_id     uuid PRIMARY KEY,
  id           uuid NOT NULL UNIQUE,
  buyer_id     uuid NOT NULL,
  amount       bigint NOT NULL CHECK (amount >= 0),
  currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  state        text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'refunded')),
  failure_code text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- A failure code exactly when the payment failed.
  CONSTRAINT payments_failure_code CHECK ((state = 'failed') = (failure_code IS NOT NULL))
);
