-- bench/intake.lua - wrk script for bench/intake: POSTs complete,
-- valid vulnerability reports to the public form (/report) as
-- multipart/form-data, one new title per request, and counts the answers.
--
-- A stored report answers 201; anything else is counted by status code
-- (with the first such body kept as a sample) and is a server bug when
-- the report is valid, which it always is here.
--
-- Script arguments (after `--` on the wrk command line):
--   [1] stop after this many answers per thread (0 = run for -d; used
--       for the warm-up)
--   [2] a run label put into every title (e.g. "c8"), so that titles
--       are unique across the runs of one benchmark
--
-- done() prints one machine-readable line, parsed by bench/intake:
--   RESULT ok=.. bad=.. sent=.. bytes=.. dur_us=.. p50_us=.. p90_us=.. p99_us=..
--          max_us=.. mean_us=.. e_connect=.. e_read=.. e_write=..
--          e_timeout=.. statuses=CODE:N,...
-- and, if any answer was not 201, a line "SAMPLE <status> <body start>".

local threads = {}
local nthreads = 0

function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
	table.insert(threads, thread)
end

-- ---- per-thread state (each wrk thread has its own Lua state) ----

local CRLF = "\r\n"

local words = { "parser", "header", "buffer", "length", "offset",
	"decoder", "chunk", "token", "state", "table", "index", "record",
	"field", "stream", "frame", "packet", "cursor", "entry", "node" }

local function para(n, seed)
	-- n sentences of Markdown-ish prose, deterministic per seed
	local out = {}
	for i = 1, n do
		local a = words[(seed + i * 7) % #words + 1]
		local b = words[(seed + i * 13) % #words + 1]
		local c = words[(seed + i * 3) % #words + 1]
		out[#out + 1] = string.format("The `%s_%s()` routine trusts " ..
		    "the %s **length** taken from the input and copies %d " ..
		    "bytes into a fixed %s without a bounds check.",
		    a, b, c, 64 + (seed + i) % 4096, b)
	end
	return table.concat(out, " ")
end

local function field(name, value)
	return "--" .. boundary .. CRLF ..
	    'Content-Disposition: form-data; name="' .. name .. '"' .. CRLF ..
	    CRLF .. value .. CRLF
end

local function file_part(name, filename, ctype, data)
	return "--" .. boundary .. CRLF ..
	    'Content-Disposition: form-data; name="' .. name ..
	    '"; filename="' .. filename .. '"' .. CRLF ..
	    "Content-Type: " .. ctype .. CRLF .. CRLF .. data .. CRLF
end

local function description(seed)
	return "## Summary\n\n" .. para(4, seed) .. "\n\n" ..
	    "## Impact\n\nA remote, unauthenticated attacker who can make " ..
	    "the service parse a crafted document gets a controlled heap " ..
	    "write and, with the usual heap grooming, **remote code " ..
	    "execution** in the worker process.\n\n" ..
	    "## Details\n\n" .. para(6, seed + 1) .. "\n\n" ..
	    "```c\nstatic int\ntp_parse_header(struct tp *t, const char *p, " ..
	    "size_t n)\n{\n\tchar name[64];\n\n\tmemcpy(name, p, n);\t" ..
	    "/* n is never checked */\n\tname[n] = '\\0';\n\treturn " ..
	    "tp_lookup(t, name);\n}\n```\n\n" ..
	    "- affects every build with `TP_ENABLE_EXT` (the default)\n" ..
	    "- reachable from `tp_parse_file()` and `tp_parse_buf()`\n" ..
	    "- ASan, Valgrind and a plain release build all crash\n\n" ..
	    para(5, seed + 2) .. "\n"
end

local function steps(seed)
	local s = {}
	s[1] = "1. Build libtinyparse 1.4.2 with `CFLAGS=\"-fsanitize=address " ..
	    "-g\" ./configure && make`."
	s[2] = "2. Save the attached `crash-" .. seed .. ".txt` input as " ..
	    "`poc.tp`."
	s[3] = "3. Run `./tools/tp_cat poc.tp`."
	s[4] = "4. ASan reports a heap-buffer-overflow WRITE in " ..
	    "`tp_parse_header` (see the attached log)."
	s[5] = "5. Without ASan, the process dies with SIGSEGV in " ..
	    "`malloc_consolidate`; with the input below it jumps to " ..
	    "`0x4141414141414141`."
	return table.concat(s, "\n") .. "\n\n" .. para(4, seed + 3) .. "\n"
end

local function poc(seed)
	local lines = { "#!/usr/bin/env python3",
		"# poc.py - writes poc.tp, which overflows name[64] in " ..
		    "tp_parse_header()",
		"import struct, sys", "",
		"HDR = b'TP01'", "def frame(kind, payload):",
		"    return struct.pack('<HI', kind, len(payload)) + payload", "",
		"name = b'A' * 200 + b'\\x41\\x41\\x41\\x41\\x41\\x41\\x41\\x41'",
		"body = frame(1, name + b': x\\r\\n')" }
	for i = 1, 24 do
		lines[#lines + 1] = string.format(
		    "body += frame(%d, b'%s' * %d)  # filler %d",
		    2 + i % 5, words[(seed + i) % #words + 1], 3 + i, i)
	end
	lines[#lines + 1] = "open(sys.argv[1] if len(sys.argv) > 1 else " ..
	    "'poc.tp', 'wb').write(HDR + body)"
	return table.concat(lines, "\n") .. "\n"
end

local function asan_log(seed)
	local l = { "=================================================" ..
	    "================",
		"==" .. (1000 + seed) .. "==ERROR: AddressSanitizer: " ..
		    "heap-buffer-overflow on address 0x6060000000" ..
		    string.format("%02x", seed % 256) ..
		    " at pc 0x55d0c0de1234 bp 0x7ffd5e5e0000 sp 0x7ffd5e5dff f0",
		"WRITE of size 208 at 0x606000000040 thread T0" }
	for i = 0, 20 do
		l[#l + 1] = string.format("    #%d 0x55d0c0de%04x in %s_%s " ..
		    "src/%s.c:%d:%d", i, (seed * 31 + i * 97) % 65536,
		    words[(i + seed) % #words + 1],
		    words[(i * 5 + seed) % #words + 1],
		    words[(i * 3) % #words + 1], 10 + i * 17, 1 + i % 40)
	end
	l[#l + 1] = "SUMMARY: AddressSanitizer: heap-buffer-overflow " ..
	    "src/header.c:88:2 in tp_parse_header"
	l[#l + 1] = "Shadow bytes around the buggy address:"
	for i = 0, 8 do
		l[#l + 1] = string.format("  0x0c0c7fff%04x: fa fa fa fa fd " ..
		    "fd fd fd fa fa 00 00 00 00 00 00", i * 16)
	end
	return table.concat(l, "\n") .. "\n"
end

function init(args)
	stop_after = tonumber(args[1] or "0") or 0
	label = args[2] or "run"
	bytes = 0
	tid = tid or 1
	ok, bad, sent = 0, 0, 0
	statuses = {}
	sample = ""
	math.randomseed(os.time() * 1000 + tid)
	boundary = string.format("----VigilBench%08x%08x",
	    math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
	headers = {
		["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
		["Accept"] = "text/html",
		["User-Agent"] = "vigil-bench-intake/1",
	}
	-- Eight variants per thread (text, product, attachment); the title
	-- is new for every request.
	variants = {}
	for v = 1, 8 do
		local seed = tid * 101 + v * 17
		local other = (v % 4 == 0)
		local pre = field("reporter_name", "Bench Researcher " .. tid) ..
		    field("credit", "Bench Labs") ..
		    field("reporter_email",
		        "researcher" .. tid .. "." .. v .. "@bench.example") ..
		    field("product", other and "other" or "libtinyparse") ..
		    field("product_other", other and "Example Widget Server" or "") ..
		    field("versions", "1.4.0 - 1.4." .. v)
		local post = field("cwe", "CWE-787") ..
		    field("impact", "rce") ..
		    field("description", description(seed)) ..
		    field("steps", steps(seed)) ..
		    field("poc", poc(seed)) ..
		    field("root_cause", "The bounds check in `tp_parse_header()` " ..
		        "compares against the destination size for values only, " ..
		        "never for names.\n") ..
		    field("cvss_vector",
		        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") ..
		    field("publicly_known", "no") ..
		    field("exploited", "no") ..
		    field("disclosure_plans", "") ..
		    field("disclosure_date", "") ..
		    file_part("attachments", "asan-" .. seed .. ".txt",
		        "text/plain", asan_log(seed)) ..
		    field("action", "submit") ..
		    "--" .. boundary .. "--" .. CRLF
		variants[v] = { pre = pre, post = post }
	end
end

function request()
	sent = sent + 1
	local v = variants[sent % #variants + 1]
	local title = string.format("Heap overflow in tp_parse_header() " ..
	    "via long header names (bench %s t%d #%d)", label, tid, sent)
	local body = v.pre .. field("title", title) .. v.post
	bytes = bytes + #body
	return wrk.format("POST", "/report", headers, body)
end

function response(status, hdrs, body)
	if status == 201 then
		ok = ok + 1
	else
		bad = bad + 1
		statuses[status] = (statuses[status] or 0) + 1
		if sample == "" then
			sample = status .. " " .. string.sub(body or "", 1, 800)
		end
	end
	if stop_after > 0 and ok + bad >= stop_after then
		wrk.thread:stop()
	end
end

function done(summary, latency, requests)
	local tok, tbad, tsent, tbytes, st, smp = 0, 0, 0, 0, {}, ""
	for _, t in ipairs(threads) do
		tok = tok + (t:get("ok") or 0)
		tbad = tbad + (t:get("bad") or 0)
		tsent = tsent + (t:get("sent") or 0)
		tbytes = tbytes + (t:get("bytes") or 0)
		local s = t:get("statuses") or {}
		for code, n in pairs(s) do
			st[code] = (st[code] or 0) + n
		end
		if smp == "" then smp = t:get("sample") or "" end
	end
	local parts = {}
	for code, n in pairs(st) do
		parts[#parts + 1] = code .. ":" .. n
	end
	local e = summary.errors
	io.write(string.format("RESULT ok=%d bad=%d sent=%d bytes=%d dur_us=%d " ..
	    "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%d " ..
	    "e_connect=%d e_read=%d e_write=%d e_timeout=%d statuses=%s\n",
	    tok, tbad, tsent, tbytes, summary.duration,
	    latency:percentile(50), latency:percentile(90),
	    latency:percentile(99), latency.max, math.floor(latency.mean),
	    e.connect, e.read, e.write, e.timeout,
	    #parts > 0 and table.concat(parts, ",") or "-"))
	if smp ~= "" then
		io.write("SAMPLE ", (string.gsub(smp, "%s+", " ")), "\n")
	end
end
