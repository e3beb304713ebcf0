-- wrk script for bench/load.py: request the paths listed in a file, one a line, in turn, and
-- print the run's figures as one line of JSON when it ends.
--   wrk -t1 -c10 -d120s -s bench/paths.lua http://127.0.0.1:8010 -- paths.txt
local paths = {}
local next_index = 0

function init(args)
  wrk.headers["Accept-Encoding"] = "gzip"  -- as browsers and feed readers send it
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
