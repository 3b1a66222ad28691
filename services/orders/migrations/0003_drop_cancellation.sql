-- A cancelled drop's orders are withdrawn together (OrdersStore::WithdrawForCancelledDrop):
-- unpaid ones are released, paid ones refunded, each once. `refunded` records that the charge
-- was given back (set by the move out of stage refunding), so the buyer's order says so and the
-- outcome event is order_refunded.
--   done (confirmed) → refunding → releasing → done (cancelled, drop_cancelled, refunded)
ALTER TABLE orders ADD COLUMN refunded boolean NOT NULL DEFAULT false;
-- A drop's orders, for the withdrawal.
CREATE INDEX orders_drop_idx ON orders (drop_id);
