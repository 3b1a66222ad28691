CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM notes  -- café ünïcode
$$;
