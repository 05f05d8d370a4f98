-- A clean message with a PDF is accepted untouched.
dofile(dir .. "/common.lua")
run("miltertest/clean", function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	local h = std_headers("minutes")
	table.insert(h, { "MIME-Version", "1.0" })
	table.insert(h, { "Content-Type", "multipart/mixed; boundary=\"q\"" })
	headers(conn, h)
	local r = body(conn, "--q\r\nContent-Type: text/plain\r\n\r\nAttached.\r\n" ..
		"--q\r\nContent-Type: application/pdf; name=minutes.pdf\r\n" ..
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--q--\r\n")
	if r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then
		error("expected accept, got " .. tostring(r))
	end
	if mt.eom_check(conn, MT_HDRADD) then error("unexpected header") end
	mt.disconnect(conn)
end)
