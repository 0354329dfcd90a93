-- The peer's market (bench/pg_peer.sh): 2,000 members across European Russia and the Urals and
-- 50,000 December offers on the leaf processes, about 8 free days each. `processes` is filled by
-- the script from config/processes.toml first.
INSERT INTO members (id, lat, lon, reliability)
  SELECT g, 45 + random() * 15, 30 + random() * 30, 0.6 + random() * 0.4
  FROM generate_series(1, 2000) g;

INSERT INTO offers (supplier, process, unit_price, min_lot, from_day, to_day)
  SELECT 1 + (random() * 1999)::int, p.code, (90000 + random() * 200000)::bigint, 1,
         date '2026-12-01' + s.start, date '2026-12-01' + s.start + s.len
  FROM generate_series(1, 50000) g
  CROSS JOIN LATERAL (SELECT (random() * 19)::int AS start, 5 + (random() * 6)::int AS len,
                             g AS tie) s
  JOIN LATERAL (SELECT code FROM processes
                WHERE NOT EXISTS (SELECT 1 FROM processes c WHERE c.code LIKE processes.code || '.%')
                ORDER BY random() + s.tie * 0 LIMIT 1) p ON true;

INSERT INTO offer_days (offer, day, free)
  SELECT o.id, d::date, 8 + (random() * 32)::int
  FROM offers o CROSS JOIN LATERAL generate_series(o.from_day, o.to_day, interval '1 day') d;

ANALYZE;
