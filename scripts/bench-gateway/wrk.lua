-- wrk script of scripts/bench-gateway.sh.
--   wrk ... -s wrk.lua URL                              small GET
--   wrk ... -s wrk.lua URL -- POST BODY_FILE CONTENT_TYPE
-- At the end it prints one line "WRKJSON {...}" that the script parses.

function init(args)
   if args[1] then
      wrk.method = args[1]
   end
   if args[2] then
      local f = assert(io.open(args[2], "rb"))
      wrk.body = f:read("*a")
      f:close()
   end
   if args[3] then
      wrk.headers["Content-Type"] = args[3]
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,' ..
      '"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"latency_p50_us":%d,' ..
      '"latency_p99_us":%d,"latency_max_us":%d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
      e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
