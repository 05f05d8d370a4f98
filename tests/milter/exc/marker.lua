-- The reload marker with an exception in play: test.reload-marker rejects
-- the subject unless an exception in force covers it.  `-D expect=reject|
-- accept|answer` (answer: accept or reject, never a tempfail or an error).
dofile(dir .. "/common.lua")
run("exc-reload/" .. phase, function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	headers(conn, std_headers("reload-marker"))
	local r = body(conn, "x\r\n")
	local accepted = r == SMFIR_ACCEPT or r == SMFIR_CONTINUE
	if expect == "reject" and r ~= SMFIR_REPLYCODE then
		error("expected reject, got " .. tostring(r))
	end
	if expect == "accept" and not accepted then
		error("expected accept, got " .. tostring(r))
	end
	if expect == "answer" and not accepted and r ~= SMFIR_REPLYCODE then
		error("expected accept or reject, got " .. tostring(r))
	end
	mt.disconnect(conn)
end)
