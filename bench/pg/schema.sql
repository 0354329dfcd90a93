-- The PostgreSQL peer (bench/pg_peer.sh): the matching an SQL-backed subcontracting portal would
-- run for an auto order, with the same durability as subexd (synchronous_commit on: an order is
-- acknowledged only once its WAL is flushed).
--
-- Offers keep a per-day free calendar in offer_days; an order takes the best-ranked eligible
-- offers (PRODUCT §3: process at or below the order's node, price, distance, window, not the
-- customer itself; ranked by landed cost — price plus transport by distance — times a risk
-- factor from the supplier's reliability), locking the rows it draws on, and fills greedily,
-- latest free days first before the due day.

CREATE TABLE members (
  id int PRIMARY KEY,
  lat float8 NOT NULL,
  lon float8 NOT NULL,
  reliability float8 NOT NULL DEFAULT 0.8
);

CREATE TABLE processes (n int PRIMARY KEY, code text NOT NULL, tariff float8 NOT NULL);

CREATE TABLE offers (
  id serial PRIMARY KEY,
  supplier int NOT NULL REFERENCES members,
  process text NOT NULL,
  unit_price bigint NOT NULL,  -- kopecks
  min_lot int NOT NULL DEFAULT 1,
  from_day date NOT NULL,
  to_day date NOT NULL,
  open bool NOT NULL DEFAULT true
);
CREATE INDEX offers_open ON offers (process text_pattern_ops, unit_price) WHERE open;

CREATE TABLE offer_days (
  offer int NOT NULL REFERENCES offers,
  day date NOT NULL,
  free int NOT NULL,
  PRIMARY KEY (offer, day)
);

CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer int NOT NULL,
  process text NOT NULL,
  quantity int NOT NULL,
  start_day date NOT NULL,
  due date NOT NULL,
  max_unit_price bigint NOT NULL,
  allocated int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE allocations (
  id bigserial PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders,
  offer int NOT NULL REFERENCES offers,
  quantity int NOT NULL,
  unit_price bigint NOT NULL,
  distance_km float8 NOT NULL,
  score float8 NOT NULL
);

CREATE TABLE allocation_days (
  allocation bigint NOT NULL REFERENCES allocations,
  day date NOT NULL,
  quantity int NOT NULL
);

CREATE FUNCTION km(lat1 float8, lon1 float8, lat2 float8, lon2 float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
  SELECT 2 * 6371.0 * asin(sqrt(
    sin(radians(lat2 - lat1) / 2) ^ 2 +
    cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2))
$$;

-- Places an auto order and allocates it; returns the quantity allocated.
CREATE FUNCTION place_order(p_customer int, p_process text, p_quantity int, p_start date,
                            p_due date, p_max_price bigint, p_max_km float8)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  v_order bigint;
  v_lat float8;
  v_lon float8;
  v_tariff float8;
  v_left int := p_quantity;
  v_take int;
  v_got int;
  v_alloc bigint;
  c record;
  d record;
BEGIN
  SELECT lat, lon INTO v_lat, v_lon FROM members WHERE id = p_customer;
  SELECT tariff INTO v_tariff FROM processes WHERE code = p_process;
  INSERT INTO orders (customer, process, quantity, start_day, due, max_unit_price)
    VALUES (p_customer, p_process, p_quantity, p_start, p_due, p_max_price)
    RETURNING id INTO v_order;
  FOR c IN
    SELECT o.id, o.unit_price, o.min_lot, k.dist,
           (o.unit_price + v_tariff * k.dist) * (1.25 - 0.25 * m.reliability) AS score
    FROM offers o
    JOIN members m ON m.id = o.supplier
    CROSS JOIN LATERAL (SELECT km(v_lat, v_lon, m.lat, m.lon) AS dist) k
    WHERE o.open
      AND (o.process = p_process OR o.process LIKE p_process || '.%')
      AND o.unit_price <= p_max_price
      AND o.supplier <> p_customer
      AND o.from_day <= p_due AND o.to_day >= p_start
      AND k.dist <= p_max_km
    ORDER BY score, o.id
    LIMIT 20
    FOR UPDATE OF o
  LOOP
    EXIT WHEN v_left = 0;
    v_got := 0;
    INSERT INTO allocations (order_id, offer, quantity, unit_price, distance_km, score)
      VALUES (v_order, c.id, 0, c.unit_price, c.dist, c.score) RETURNING id INTO v_alloc;
    FOR d IN
      SELECT day, free FROM offer_days
      WHERE offer = c.id AND day BETWEEN p_start AND p_due AND free > 0
      ORDER BY day DESC
      FOR UPDATE
    LOOP
      EXIT WHEN v_left = 0;
      v_take := least(d.free, v_left);
      UPDATE offer_days SET free = free - v_take WHERE offer = c.id AND day = d.day;
      INSERT INTO allocation_days VALUES (v_alloc, d.day, v_take);
      v_left := v_left - v_take;
      v_got := v_got + v_take;
    END LOOP;
    IF v_got = 0 THEN
      DELETE FROM allocations WHERE id = v_alloc;
    ELSE
      UPDATE allocations SET quantity = v_got WHERE id = v_alloc;
      IF NOT EXISTS (SELECT 1 FROM offer_days WHERE offer = c.id AND free > 0) THEN
        UPDATE offers SET open = false WHERE id = c.id;
      END IF;
    END IF;
  END LOOP;
  UPDATE orders SET allocated = p_quantity - v_left WHERE id = v_order;
  RETURN p_quantity - v_left;
END
$$;
