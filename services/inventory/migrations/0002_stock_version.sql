-- Every change of a stock row bumps its version, so cached views of the stock can be ordered:
-- an older view never replaces a newer one in Redis (VersionedCache).
ALTER TABLE stock ADD COLUMN version bigint NOT NULL DEFAULT 1 CHECK (version > 0);
