# release re-injects the stored bytes through quarantine.sendmail with a
# one-time pass in front, to the original recipients or those given, and
# records who and why in the audit log, the entry's history and the alert
# log (event_type release); the entry stays in the store.  Another address
# than the original recipients needs --approved-by (a second person).
msgsec quarantine release 20261120T101500Z-4F2A1B7C3D --now 2026-12-01T10:00:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Priya Raman" --reason "False positive: the .exe is the vendor's signed installer."
msgsec quarantine release 20261125T083000Z-7C1D2E3F4A --now 2026-12-01T10:00:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Tom Okafor" --approved-by "Priya Raman" --reason "Approved by counsel" --to counsel@dep.mass.example --to records@dep.mass.example
msgsec quarantine show 20261120T101500Z-4F2A1B7C3D
# Refusals: no --by or --reason, a recipient that looks like an option, an
# unknown entry, a sendmail that fails (no record, no pass left behind).
msgsec quarantine release 20261120T101500Z-4F2A1B7C3D --now 2026-12-01T10:00:00Z --set quarantine.sendmail=$FAKE_SENDMAIL
msgsec quarantine release 20261120T101500Z-4F2A1B7C3D --now 2026-12-01T10:00:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by x --reason y --to -oQ/tmp
msgsec quarantine release 20261120T101500Z-0000000000 --now 2026-12-01T10:00:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by x --reason y
FAKE_SENDMAIL_FAIL=1 msgsec quarantine release 20240105T120000Z-1A2B3C4D5E --now 2026-12-01T10:00:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by x --reason y
msgsec quarantine release 20240105T120000Z-1A2B3C4D5E --now 2026-12-01T10:00:00Z --set quarantine.sendmail=/nonexistent/sendmail --by x --reason y
