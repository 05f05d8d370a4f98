-- common.lua - helpers for the miltertest scripts.  Each script is run as
-- `miltertest -D socket=unix:PATH -D dir=TESTDIR -s NAME.lua`.  A Lua
-- error() makes miltertest exit 1 silently, so run() wraps the test in
-- pcall and prints the error.

function start(envfrom, rcpts, macros)
	local conn = mt.connect(socket, 20, 0.25)
	if conn == nil then error("cannot connect to " .. socket) end
	if mt.conninfo(conn, "client.example", "203.0.113.7") ~= nil then
		error("conninfo failed")
	end
	mt.macro(conn, SMFIC_MAIL, "i", "TESTQID", "{daemon_name}",
		macros and macros.daemon or "smtpd",
		"{auth_authen}", macros and macros.auth or "")
	if mt.mailfrom(conn, envfrom) ~= nil then error("mailfrom failed") end
	for _, r in ipairs(rcpts) do
		if mt.rcptto(conn, r) ~= nil then error("rcptto failed") end
	end
	return conn
end

function headers(conn, list)
	for _, h in ipairs(list) do
		if mt.header(conn, h[1], h[2]) ~= nil then
			error("header failed: " .. h[1])
		end
	end
	if mt.eoh(conn) ~= nil then error("eoh failed") end
end

function body(conn, text)
	if mt.bodystring(conn, text) ~= nil then error("body failed") end
	if mt.eom(conn) ~= nil then error("eom failed") end
	return mt.getreply(conn)
end

function std_headers(subject)
	return {
		{ "From", "Sender <sender@example.org>" },
		{ "To", "user@dep.mass.example" },
		{ "Subject", subject },
		{ "Date", "Sun, 22 Nov 2026 10:00:00 +0000" },
		{ "Message-ID", "<t@example.org>" },
	}
end

function run(name, f)
	local ok, err = pcall(f)
	if ok then
		print("ok " .. name)
	else
		print("FAIL " .. name .. ": " .. tostring(err))
	end
end
