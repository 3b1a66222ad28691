-- What a buyer already holds or bought of a drop (the per-buyer limit), looked up for a batch of
-- buyers at once (kHeldOrBought: buyer_id = ANY(...) AND drop_id = ...). With drop_id first the
-- planner, whose statistics never know a drop that went live seconds ago (one row, it guesses),
-- descended once to the drop and filtered every one of its reservations for the batch's buyers:
-- 760 buffers a call at 1,500 reservations, growing with the drop. Buyer first, each buyer of the
-- batch is one descent to its few rows whatever the statistics say.
CREATE INDEX reservations_buyer_drop_idx ON reservations (buyer_id, drop_id)
  WHERE state IN ('held', 'confirmed');
DROP INDEX reservations_buyer_idx;
