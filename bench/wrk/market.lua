-- A live market for wrk: half new offers from suppliers, half orders from customers, each signed
-- with the member's own key, on the processes the suppliers registered, in December 2026.
--
--   SUBEX_BENCH_MEMBERS=members.tsv wrk -s bench/wrk/market.lua ...
--
-- members.tsv (written by bench/http_bench.sh from the demo market): one member a line,
-- "role<TAB>api key<TAB>process codes separated by spaces", role "customer" or "supplier".
-- SUBEX_BENCH_MIX=orders sends orders only.

local suppliers, customers, processes = {}, {}, {}
local orders_only = os.getenv("SUBEX_BENCH_MIX") == "orders"
local thread_seed = 0

function setup(thread)
  thread_seed = thread_seed + 1
  thread:set("seed", thread_seed)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
  local path = os.getenv("SUBEX_BENCH_MEMBERS") or "members.tsv"
  for line in io.lines(path) do
    local role, key, codes = line:match("^(%S+)\t(%S+)\t(.*)$")
    if role == "supplier" then
      local own = {}
      for code in codes:gmatch("%S+") do
        own[#own + 1] = code
        processes[#processes + 1] = code
      end
      if #own > 0 then suppliers[#suppliers + 1] = {key = key, processes = own} end
    elseif role == "customer" then
      customers[#customers + 1] = key
    end
  end
end

local function pick(list) return list[math.random(#list)] end

-- Day d (1..31) of the month of capacity that the demo (server/demo_data.h) opens for: the days
-- from a week after tomorrow, counted from the day the benchmark runs.
local opens = os.time() + 7 * 86400
local function day(d) return os.date("!%Y-%m-%d", opens + d * 86400) end

local function offer()
  local s = pick(suppliers)
  local from = math.random(1, 20)
  local body = string.format(
    '{"process":"%s","daily_capacity":%d,"from":"%s","to":"%s","unit_price":%d.%02d}',
    pick(s.processes), math.random(8, 40), day(from), day(from + math.random(5, 11)),
    math.random(900, 2900), math.random(0, 99))
  return wrk.format("POST", "/v1/offers", {
    ["Authorization"] = "Bearer " .. s.key,
    ["Content-Type"] = "application/json"}, body)
end

local function order()
  local start = math.random(1, 15)
  local body = string.format(
    '{"title":"Bench batch %d","process":"%s","quantity":%d,"start":"%s","due":"%s",' ..
    '"max_unit_price":%d.00,"max_distance_km":%d}',
    math.random(1, 99999), pick(processes), math.random(8, 80), day(start),
    day(start + math.random(6, 16)), math.random(1500, 4000), math.random(300, 1500))
  return wrk.format("POST", "/v1/orders", {
    ["Authorization"] = "Bearer " .. pick(customers),
    ["Content-Type"] = "application/json"}, body)
end

function request()
  if orders_only or math.random() < 0.5 then return order() end
  return offer()
end
