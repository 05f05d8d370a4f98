-- A syntax-limit hit with action quarantine asks the MTA to hold it.
dofile(dir .. "/common.lua")
run("miltertest/quarantine", function()
	local conn = start("<dana@dep.mass.example>", { "<x@example.org>" },
		{ daemon = "submission" })
	local h = {
		{ "From", "dana@dep.mass.example" },
		{ "To", "x@example.org" },
		{ "Subject", "CONFIDENTIAL: permit draft for review" },
		{ "Date", "Sun, 22 Nov 2026 10:00:00 +0000" },
	}
	headers(conn, h)
	local r = body(conn, "draft\r\n")
	if not mt.eom_check(conn, MT_QUARANTINE) then
		error("not quarantined (reply " .. tostring(r) .. ")")
	end
	mt.disconnect(conn)
end)
