-- An executable attachment is rejected with the rule's reply text.
dofile(dir .. "/common.lua")
run("miltertest/reject-exe", function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	local h = std_headers("report")
	table.insert(h, { "MIME-Version", "1.0" })
	table.insert(h, { "Content-Type", "multipart/mixed; boundary=\"zz\"" })
	headers(conn, h)
	local r = body(conn, "--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n" ..
		"--zz\r\nContent-Type: application/octet-stream\r\n" ..
		"Content-Disposition: attachment; filename=\"report.scr\"\r\n\r\n" ..
		"MZ\r\n--zz--\r\n")
	if r ~= SMFIR_REPLYCODE then error("expected a reply code, got " .. tostring(r)) end
	if not mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1",
		"Attachment type not allowed by policy 1.1") then
		error("wrong SMTP reply")
	end
	mt.disconnect(conn)
end)
