-- No From and no Date: rejected (RFC 5322 3.6, clause 1.3).
dofile(dir .. "/common.lua")
run("miltertest/no-from", function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	headers(conn, { { "To", "user@dep.mass.example" }, { "Subject", "x" } })
	local r = body(conn, "hi\r\n")
	if r ~= SMFIR_REPLYCODE then error("expected reject, got " .. tostring(r)) end
	if not mt.eom_check(conn, MT_SMTPREPLY, "550", "5.6.0",
		"Message has no From field (RFC 5322 3.6, policy 1.3)") then
		error("wrong reply")
	end
	mt.disconnect(conn)
end)
