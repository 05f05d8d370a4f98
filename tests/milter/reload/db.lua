-- Without a virus database every message is deferred (never accepted
-- unscanned); once a database appears in the folder the scanner loads it
-- and mail flows.  `-D expect=tempfail|accept`.
dofile(dir .. "/common.lua")
run("miltertest/clamav-" .. phase, function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	headers(conn, std_headers("minutes"))
	local r = body(conn, "Notes.\r\n")
	if expect == "tempfail" and r ~= SMFIR_REPLYCODE then
		error("expected a 4xx reply, got " .. tostring(r))
	end
	if expect == "tempfail" and not mt.eom_check(conn, MT_SMTPREPLY, "451",
		"4.7.1", "Message could not be scanned, try again later (policy 1.1)") then
		error("wrong reply")
	end
	if expect == "accept" and r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then
		error("expected accept, got " .. tostring(r))
	end
	mt.disconnect(conn)
end)
