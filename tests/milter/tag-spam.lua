-- Inbound spam subject: accepted, tagged with a header and a subject prefix.
dofile(dir .. "/common.lua")
run("miltertest/tag-spam", function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	headers(conn, std_headers("URGENT business proposal for the beneficiary"))
	local r = body(conn, "Dear friend\r\n")
	if r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then
		error("expected accept, got " .. tostring(r))
	end
	if not mt.eom_check(conn, MT_HDRADD, "X-Msgsec-Spam") then
		error("no X-Msgsec-Spam header")
	end
	if not mt.eom_check(conn, MT_HDRCHANGE, "Subject") then
		error("subject not prefixed")
	end
	mt.disconnect(conn)
end)
