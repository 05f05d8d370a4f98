-- After a reload that added test.reload-marker, the marker subject is
-- rejected; before it (or after a failed reload of a broken file), it is
-- not.  `-D expect=reject|accept` says which.
dofile(dir .. "/common.lua")
run("miltertest/reload-" .. phase, function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	headers(conn, std_headers("reload-marker"))
	local r = body(conn, "x\r\n")
	if expect == "reject" and r ~= SMFIR_REPLYCODE then
		error("expected reject, got " .. tostring(r))
	end
	if expect == "accept" and r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then
		error("expected accept, got " .. tostring(r))
	end
	mt.disconnect(conn)
end)
