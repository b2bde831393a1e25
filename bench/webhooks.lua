-- wrk script for bench/webhooks.py: POSTs the signed requests listed in the file named by
-- $BENCH_REQUESTS (one per line: path, form body, signature, separated by tabs), each
-- wrk thread taking every n-th one so no two threads send the same callback.

local requests = {}
for line in io.lines(os.getenv("BENCH_REQUESTS")) do
  local path, body, signature = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)")
  requests[#requests + 1] = { path, body, signature }
end

local threads = 0
function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end

function init(args)
  index = first + 1
  step = tonumber(os.getenv("BENCH_THREADS"))
end

function request()
  local r = requests[index]
  index = index + step
  if index > #requests then index = first + 1 end
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  if r[3] ~= "" then headers["X-Twilio-Signature"] = r[3] end
  return wrk.format("POST", r[1], headers, r[2])
end
