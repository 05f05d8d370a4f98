-- A message carrying the EICAR test string must be rejected as a virus,
-- also while the virus engine is being rebuilt (run-clamav-reload.sh).
-- The string is assembled from two halves: it is never written whole in
-- the repository.  `-D phase=NAME`.
dofile(dir .. "/common.lua")
run("clamav-reload/" .. phase, function()
	local a = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR'
	local b = '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
	mt.set_timeout(60)
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	headers(conn, std_headers("the test file"))
	local r = body(conn, a .. b .. "\r\n")
	if r ~= SMFIR_REPLYCODE then
		error("expected a reject, got " .. tostring(r))
	end
	if not mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1",
		"Virus found (policy 1.1)") then
		error("wrong reply")
	end
	mt.disconnect(conn)
end)
