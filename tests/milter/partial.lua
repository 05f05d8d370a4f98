-- message/partial (clause 1.4) is rejected, whatever the case of the type.
dofile(dir .. "/common.lua")
run("miltertest/partial", function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	local h = std_headers("part 1")
	table.insert(h, { "MIME-Version", "1.0" })
	table.insert(h, { "Content-Type", "Message/Partial; id=\"abc@x\"; number=1; total=2" })
	headers(conn, h)
	local r = body(conn, "From: x@y\r\n\r\nhalf a message\r\n")
	if r ~= SMFIR_REPLYCODE then error("expected reject, got " .. tostring(r)) end
	if not mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1",
		"Segmented messages (message/partial) are not accepted (policy 1.4)") then
		error("wrong reply")
	end
	mt.disconnect(conn)
end)
