-- Product images: uploaded straight to the bucket, checked, and re-encoded into variants.
-- products.images is the view of the ready ones (what GetProduct and every drop view list),
-- rebuilt from product_images whenever one becomes ready or is deleted, with products.version
-- bumped so that caches keep only the newest view.
ALTER TABLE products ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE products ADD COLUMN images jsonb NOT NULL DEFAULT '[]';

CREATE TABLE product_images (
  id                uuid PRIMARY KEY,
  product_id        uuid NOT NULL REFERENCES products (id),
  status            text NOT NULL
                    CHECK (status IN ('awaiting_upload', 'processing', 'ready', 'failed')),
  content_type      text NOT NULL,
  content_length    bigint NOT NULL CHECK (content_length > 0),
  upload_expires_at timestamptz NOT NULL,
  width             integer,
  height            integer,
  url               text,
  variants          jsonb NOT NULL DEFAULT '[]',  -- [{width, height, url}]
  keys              text[] NOT NULL DEFAULT '{}', -- objects it owns once ready
  failure           text NOT NULL DEFAULT '',
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX product_images_product_idx ON product_images (product_id, created_at);
-- Content-addressed objects can be shared by two images of the same bytes: deleting one image
-- deletes only the keys no other image holds.
CREATE INDEX product_images_keys_idx ON product_images USING gin (keys);
