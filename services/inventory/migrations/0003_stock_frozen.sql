-- A frozen drop was cancelled: Reserve refuses it (drop_not_live), while reservations already
-- held may still be confirmed or released, so available + reserved + sold = total still holds
-- and held units leave the way they always do. Set once by drop_cancelled, never cleared.
ALTER TABLE stock ADD COLUMN frozen boolean NOT NULL DEFAULT false;
