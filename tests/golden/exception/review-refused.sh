# The second approval by the same person (case and spacing aside) is
# refused, as are unknown bodies, bad decisions, second reviews by one
# body, reviews of records no longer requested, and unknown ids.
msgsec exception review EX-2026-0003 --now 2026-12-01T10:00:00Z --body ESB --decision approve --by "priya  RAMAN"
msgsec exception review EX-2026-0003 --now 2026-12-01T10:00:00Z --body MassIT --decision deny --by "Tom Okafor"
msgsec exception review EX-2026-0003 --now 2026-12-01T10:00:00Z --body MassITT --decision aprove
msgsec exception review EX-2026-0001 --now 2026-12-01T10:00:00Z --body ESB --decision approve --by "Tom Okafor"
msgsec exception review EX-2026-0099 --now 2026-12-01T10:00:00Z --body ESB --decision approve --by "Tom Okafor"
msgsec exception review ../EX-2026-0001 --now 2026-12-01T10:00:00Z --body ESB --decision approve --by "Tom Okafor"
msgsec exception review --now 2026-12-01T10:00:00Z --body ESB --decision approve --by "Tom Okafor"
# The same person may still deny (a denial needs no second person).
msgsec exception review EX-2026-0003 --now 2026-12-01T10:00:00Z --body ESB --decision deny --by "Priya Raman" --note 'Archives "password-free" is not enough: {scan} them.'
