# A complete request is filed as the next free id of the year, in state
# requested, with one history entry; list and show see it.
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --agency DEP --requester "Dana Whitfield" --role agency-head --email dana.whitfield@dep.mass.example --reasons "Inspectors must read notices in the regulator's portal." --circumstances "Federal notices arrive only through its webmail." --access-controls "Two named laptops; no downloads." --rules 'network.webmail,network.webmail.*' --hosts 192.0.2.20/32,2001:db8::/64 --from 2026-12-05 --until 2027-06-01
msgsec exception list --state requested --today 2026-12-01
msgsec exception show EX-2026-0007 --today 2026-12-01
# An explicit id; a glob that names no rule is a warning, not a refusal.
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --id EX-2026-0100 --agency DOR --requester "Meredith Chan" --role designee --email meredith.chan@dor.mass.example --reasons r --circumstances c --access-controls a --rules 'attach.nosuchrule*' --users audit@dor.mass.example,revenue.example --from 2026-12-01 --until 2026-12-31
