-- bench/api_wrk.lua — wrk's requests for the Track & Trace API bench: each
-- request is the next line of API_BENCH_REQUESTS ("<path>\t<bearer token>"),
-- so that different residents with their own tokens are asked for; each wrk
-- thread starts at another place in the list. API_BENCH_DELAY_MS (optional)
-- paces every connection (a fixed-rate point: rate ≈ connections × 1000 /
-- (delay + latency)). At the end one line "API_BENCH_JSON {...}" carries
-- the figures: requests, errors, duration and latency percentiles (µs).

local requests = {}
local counter = 1
local delay_ms = tonumber(os.getenv("API_BENCH_DELAY_MS") or "")

local function load()
	local f = assert(io.open(os.getenv("API_BENCH_REQUESTS"), "r"))
	for line in f:lines() do
		local path, token = line:match("^([^\t]+)\t(.*)$")
		if path then
			local headers = {}
			if token ~= "" then
				headers["Authorization"] = "Bearer " .. token
			end
			requests[#requests + 1] = wrk.format("GET", path, headers)
		end
	end
	f:close()
	assert(#requests > 0, "no requests in API_BENCH_REQUESTS")
end

local threads = {}

function setup(thread)
	thread:set("id", #threads)
	threads[#threads + 1] = thread
end

function init(args)
	load()
	counter = 1 + (id * 7919) % #requests
end

function request()
	local r = requests[counter]
	counter = counter % #requests + 1
	return r
end

if delay_ms then
	function delay()
		return delay_ms
	end
end

function done(summary, latency, requests_)
	local e = summary.errors
	io.write(string.format(
		'API_BENCH_JSON {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,' ..
		'"status":%d,"timeout":%d},"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p99_9":%d,"max":%d,' ..
		'"mean":%.1f}}\n',
		summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
		latency:percentile(50), latency:percentile(90), latency:percentile(99),
		latency:percentile(99.9), latency.max, latency.mean))
end
