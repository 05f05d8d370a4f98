-- limits.recipients (1000 shipped): the 1000th recipient is taken, the
-- 1001st is refused at RCPT with 452 4.5.3 (RFC 5321 4.5.3.1.10: the
-- client sends it again in another transaction); the message goes on for
-- the recipients taken, judged for every one of them.
dofile(dir .. "/common.lua")
run("miltertest/recipients-limit", function()
	local conn = start("<sender@example.org>", {})
	for i = 1, 1000 do
		if mt.rcptto(conn, "<user" .. i .. "@dep.mass.example>") ~= nil then
			error("rcptto failed")
		end
		local r = mt.getreply(conn)
		if r ~= SMFIR_CONTINUE then
			error("recipient " .. i .. " refused: " .. tostring(r))
		end
	end
	if mt.rcptto(conn, "<user1001@dep.mass.example>") ~= nil then
		error("rcptto failed")
	end
	local r = mt.getreply(conn)
	if r ~= SMFIR_REPLYCODE and r ~= SMFIR_TEMPFAIL then
		error("recipient 1001 not refused: " .. tostring(r))
	end
	headers(conn, std_headers("minutes"))
	r = body(conn, "The minutes.\r\n")
	if r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then
		error("expected accept, got " .. tostring(r))
	end
	mt.disconnect(conn)
end)
