-- wrk script of `make bench` (bench/load.py starts wrk with it; see bench/README.md).
--
-- Environment:
--   BENCH_METHOD    GET or POST (default GET)
--   BENCH_AUTH      the Authorization header's value, if any
--   BENCH_BODIES    a file of JSON bodies, one a line: each thread sends its own share
--                   (lines tid+1, tid+1+threads, ...), so no two requests carry the same body
--   BENCH_THREADS   wrk's -t, to share the bodies out
-- done() prints one line "BENCH_JSON {...}": requests, duration, latency p50/p99 (µs),
-- socket errors, responses by status and how often a thread ran out of bodies and wrapped.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local requests = {}
local position = 0
statuses = {}
wrapped = 0

function init(args)
  local method = os.getenv("BENCH_METHOD") or "GET"
  local headers = {}
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then
    headers["Authorization"] = auth
  end
  local bodies = os.getenv("BENCH_BODIES")
  if bodies and bodies ~= "" then
    headers["Content-Type"] = "application/json"
    local count = tonumber(os.getenv("BENCH_THREADS") or "1")
    local line_number = 0
    for line in io.lines(bodies) do
      if line_number % count == tid then
        table.insert(requests, wrk.format(method, nil, headers, line))
      end
      line_number = line_number + 1
    end
    if #requests == 0 then
      error("no bodies for thread " .. tid .. " in " .. bodies)
    end
  else
    requests[1] = wrk.format(method, nil, headers, nil)
  end
end

function request()
  position = position + 1
  if position > #requests then
    position = 1
    if #requests > 1 then
      wrapped = wrapped + 1
    end
  end
  return requests[position]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, _)
  local by_status = {}
  local total_wrapped = 0
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses") or {}
    for status, n in pairs(counted) do
      by_status[status] = (by_status[status] or 0) + n
    end
    total_wrapped = total_wrapped + (thread:get("wrapped") or 0)
  end
  local parts = {}
  for status, n in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d}, "statuses": {%s}, "wrapped": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.timeout,
    table.concat(parts, ", "), total_wrapped))
end
