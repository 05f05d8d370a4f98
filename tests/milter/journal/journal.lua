-- Journaling (issue 14): run by run-miltertest.sh against a milter with
-- journal.address = journal@records.mass.example and DEP's
-- journal_address = records@archive.dep.mass.example.  A delivered
-- message gets the archives as added envelope recipients (SMFIR_ADDRCPT),
-- never a header; one addressed to an archive does not get it again; a
-- rejected one gets none; an MTA that does not offer SMFIF_ADDRCPT gets
-- a 451 4.3.0, never the message delivered without its copy.
dofile(dir .. "/common.lua")

local GLOBAL = "<journal@records.mass.example>"
local DEP = "<records@archive.dep.mass.example>"

local function plain(conn)
	headers(conn, std_headers("minutes"))
	return body(conn, "The minutes.\r\n")
end

run("miltertest/journal-added", function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>",
		"<guest@example.com>" })
	local r = plain(conn)
	if r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then
		error("expected accept, got " .. tostring(r))
	end
	if not mt.eom_check(conn, MT_RCPTADD, GLOBAL) then
		error("journal.address not added")
	end
	if not mt.eom_check(conn, MT_RCPTADD, DEP) then
		error("DEP's journal_address not added")
	end
	if mt.eom_check(conn, MT_HDRADD) or mt.eom_check(conn, MT_HDRINSERT) then
		error("a header was added")
	end
	mt.disconnect(conn)
end)

run("miltertest/journal-no-agency", function()
	local conn = start("<sender@example.org>", { "<guest@example.com>" })
	plain(conn)
	if not mt.eom_check(conn, MT_RCPTADD, GLOBAL) then
		error("journal.address not added")
	end
	if mt.eom_check(conn, MT_RCPTADD, DEP) then
		error("DEP's archive added for mail not to or from DEP")
	end
	mt.disconnect(conn)
end)

run("miltertest/journal-archive-is-recipient", function()
	local conn = start("<sender@example.org>", { "<JOURNAL@Records.Mass.Example>",
		"<records@archive.dep.mass.example>", "<user@dep.mass.example>" })
	plain(conn)
	if mt.eom_check(conn, MT_RCPTADD, GLOBAL) or mt.eom_check(conn, MT_RCPTADD, DEP) then
		error("an archive already among the recipients was added again")
	end
	mt.disconnect(conn)
end)

run("miltertest/journal-outbound-sender-agency", function()
	local conn = start("<clerk@dep.mass.example>", { "<guest@example.com>" },
		{ auth = "clerk" })
	plain(conn)
	if not mt.eom_check(conn, MT_RCPTADD, DEP) then
		error("the outbound sender's agency archive not added")
	end
	mt.disconnect(conn)
end)

run("miltertest/journal-rejected", function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	local h = std_headers("part 1")
	table.insert(h, { "MIME-Version", "1.0" })
	table.insert(h, { "Content-Type", "message/partial; id=\"j@x\"; number=1; total=2" })
	headers(conn, h)
	local r = body(conn, "From: x@y\r\n\r\nhalf a message\r\n")
	if r ~= SMFIR_REPLYCODE then error("expected reject, got " .. tostring(r)) end
	if mt.eom_check(conn, MT_RCPTADD, GLOBAL) then
		error("a rejected message was journaled")
	end
	mt.disconnect(conn)
end)

run("miltertest/journal-mta-without-addrcpt", function()
	local conn = mt.connect(socket, 20, 0.25)
	if conn == nil then error("cannot connect to " .. socket) end
	-- miltertest reads (version, protocol steps, actions), whatever its
	-- manual page's order says.
	if mt.negotiate(conn, nil, nil, SMFIF_ADDHDRS + SMFIF_CHGHDRS +
		SMFIF_CHGBODY + SMFIF_QUARANTINE + SMFIF_DELRCPT) ~= nil then
		error("negotiate failed")
	end
	if mt.conninfo(conn, "client.example", "203.0.113.7") ~= nil then
		error("conninfo failed")
	end
	mt.macro(conn, SMFIC_MAIL, "i", "TESTQID", "{daemon_name}", "smtpd")
	if mt.mailfrom(conn, "<sender@example.org>") ~= nil then error("mailfrom failed") end
	if mt.rcptto(conn, "<user@dep.mass.example>") ~= nil then error("rcptto failed") end
	local r = plain(conn)
	if r ~= SMFIR_REPLYCODE then error("expected 451, got " .. tostring(r)) end
	if not mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0",
		"Message could not be journaled, try again later") then
		error("wrong reply")
	end
	mt.disconnect(conn)
end)
