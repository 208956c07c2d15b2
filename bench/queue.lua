-- bench/queue.lua - wrk script for bench/queue: GETs one queue URL
-- (given in the environment as QUEUE_PATH) with a Bearer token, counts
-- non-200 answers and prints the latency percentiles as one RESULT line.
local path = os.getenv("QUEUE_PATH")
local token = os.getenv("QUEUE_TOKEN")
local bad = 0

function setup(thread)
	thread:set("bad", 0)
end

request = function()
	return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

response = function(status, headers, body)
	if status ~= 200 then
		bad = bad + 1
	end
end

done = function(summary, latency, requests)
	io.write(string.format("RESULT reqs=%d rps=%.1f p50=%.2f p90=%.2f p99=%.2f max=%.2f errors=%d\n",
	    summary.requests, summary.requests / (summary.duration / 1e6),
	    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
	    latency:percentile(99) / 1000, latency.max / 1000,
	    summary.errors.status + summary.errors.connect + summary.errors.read +
	    summary.errors.write + summary.errors.timeout))
end
