-- The test-mode card processor's own ledger: what a real processor keeps on its side. One row
-- per idempotency key, written in the transaction that decides the charge, so a charge asked
-- again — after a crash between capture and recording, after a restart, or by another payment
-- instance — is captured once and answered the same, as real processors do with an
-- idempotency key. Not read by the payment service itself.
CREATE TABLE test_processor_charges (
  idempotency_key text PRIMARY KEY,
  amount          bigint NOT NULL,
  currency        text NOT NULL,
  outcome         text NOT NULL,  -- 'captured' or the PaymentFailure code of the decline
  refunded        boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now()
);
