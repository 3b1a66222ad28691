-- Quotes, backslashes and a raw-string-like ")" followed by a quote must survive embedding.
CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL DEFAULT 'it''s "quoted" \n )" ok');
