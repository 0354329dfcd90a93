-- One auto order for pgbench (bench/pg_peer.sh): the same ranges as bench/wrk/market.lua.
\set customer random(1, 2000)
\set process random(1, :processes)
\set quantity random(8, 80)
\set start random(0, 14)
\set len random(6, 16)
\set price random(1500, 4000)
\set km random(300, 1500)
SELECT place_order(:customer, (SELECT code FROM processes WHERE n = :process), :quantity,
                   date '2026-12-01' + :start, date '2026-12-01' + :start + :len,
                   :price * 100, :km);
