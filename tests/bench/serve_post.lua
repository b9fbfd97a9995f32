-- wrk script: POSTs the recorded signed repo:push body to the endpoint, with
-- a fresh X-Request-UUID per request (so none is a duplicate).
-- Environment: BENCH_BODY (file), BENCH_SIG (sha256=<hex>), BENCH_PATH.
local threads = 0
local body, sig, path
local count = 0 -- tid: set per thread by setup()

function setup(thread)
	thread:set("tid", threads)
	threads = threads + 1
end

function init(args)
	local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
	body = f:read("*a")
	f:close()
	sig = os.getenv("BENCH_SIG")
	path = os.getenv("BENCH_PATH")
end

function request()
	count = count + 1
	local headers = {
		["Content-Type"] = "application/json",
		["X-Event-Key"] = "repo:push",
		["X-Hook-UUID"] = "{bench-hook}",
		["X-Request-UUID"] = string.format("{bench-%d-%d}", tid, count),
		["X-Attempt-Number"] = "1",
		["X-Hub-Signature"] = sig,
		["User-Agent"] = "Bitbucket-Webhooks/2.0",
	}
	return wrk.format("POST", path, headers, body)
end
