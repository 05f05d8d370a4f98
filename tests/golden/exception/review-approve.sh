# Two bodies approve, by two people: the record becomes approved and is in
# force; the history grows by one entry per review, past entries untouched.
msgsec exception review EX-2026-0002 --now 2026-12-01T10:00:00Z --body MassIT --decision approve --by "Priya Raman" --note "Kiosk setup verified."
msgsec exception list --agency EOHHS --today 2026-12-01
msgsec exception review EX-2026-0002 --now 2026-12-02T15:30:00Z --body ESB --decision approve --by "Tom Okafor"
msgsec exception show EX-2026-0002 --today 2026-12-02
msgsec exception list --state in-force --today 2026-12-02
