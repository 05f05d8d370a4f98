-- A message carrying X-Msgsec-Release: the header is always removed; with
-- a pass that exists (written by the runner, as release.c does) the
-- message is accepted although test.reload-marker rejects it; the same
-- pass again, or a made-up one, is judged as usual (rejected).
-- `-D token=HEX -D expect=accept|reject -D phase=NAME`.
dofile(dir .. "/common.lua")
run("release/" .. phase, function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	local h = std_headers("reload-marker")
	table.insert(h, 1, { "X-Msgsec-Release", token })
	headers(conn, h)
	local r = body(conn, "x\r\n")
	local accepted = r == SMFIR_ACCEPT or r == SMFIR_CONTINUE
	if expect == "accept" and not accepted then
		error("expected accept, got " .. tostring(r))
	end
	if expect == "reject" and r ~= SMFIR_REPLYCODE then
		error("expected reject, got " .. tostring(r))
	end
	if not mt.eom_check(conn, MT_HDRDELETE, "X-Msgsec-Release") then
		error("X-Msgsec-Release was not removed")
	end
	mt.disconnect(conn)
end)
