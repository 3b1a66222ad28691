-- The inbox of a user who follows many creators walks every broadcast newest first (or oldest
-- first after a position) and keeps those of the creators followed: creator_id and occurred_at
-- are included so the walk reads this index only, never the table.
CREATE INDEX broadcasts_by_seq_idx ON broadcasts (seq) INCLUDE (creator_id, occurred_at);
