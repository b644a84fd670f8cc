-- Schema 8: the linking decision no longer uses archive-wide term counts (its idf is
-- counted over the candidate stories; digests/linking.py says why), so term_df and the
-- article count in link_meta go. link_meta keeps the backfill marker.

DROP TABLE term_df;
DELETE FROM link_meta WHERE name = 'articles';
