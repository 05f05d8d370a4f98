-- A message the policy rejects (an executable attachment), sent while the
-- quarantine folder is unwritable (`-D expect=tempfail`: it must be
-- deferred, never rejected unstored) or writable again (`expect=reject`).
-- `-D phase=NAME` names the case.
dofile(dir .. "/common.lua")
run("daemon/store-" .. phase, function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	local h = std_headers("report")
	table.insert(h, { "MIME-Version", "1.0" })
	table.insert(h, { "Content-Type", "multipart/mixed; boundary=\"zz\"" })
	headers(conn, h)
	local r = body(conn, "--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n" ..
		"--zz\r\nContent-Type: application/octet-stream\r\n" ..
		"Content-Disposition: attachment; filename=\"report.scr\"\r\n\r\n" ..
		"MZ\r\n--zz--\r\n")
	if r ~= SMFIR_REPLYCODE then
		error("expected a reply code, got " .. tostring(r))
	end
	if expect == "tempfail" and not mt.eom_check(conn, MT_SMTPREPLY, "451",
		"4.7.1", "Message could not be inspected, try again later") then
		error("expected 451 4.7.1 (store failed)")
	end
	if expect == "reject" and not mt.eom_check(conn, MT_SMTPREPLY, "550",
		"5.7.1", "Attachment type not allowed by policy 1.1") then
		error("expected 550 5.7.1")
	end
	mt.disconnect(conn)
end)
