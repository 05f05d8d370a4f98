# Release is controlled like an exception (issue 12): the original
# recipients need no approval (all of them, or some); any other address
# needs --approved-by from a second person (case and blanks do not make a
# second person); an entry is released once unless --force; every release
# is an alert.  A message the MTA holds too (action quarantine) gets a
# reminder of the held copy, or --remove-held runs postsuper -d (a fake
# one on PATH here); a message only msgsec kept (reject) has no such copy.
msgsec quarantine release 20261125T083000Z-7C1D2E3F4A --now 2026-12-01T10:00:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Tom Okafor" --reason "One recipient only" --to Y@example.net
msgsec quarantine release 20261125T083000Z-7C1D2E3F4A --now 2026-12-01T10:05:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Tom Okafor" --reason "Again"
msgsec quarantine release 20261125T083000Z-7C1D2E3F4A --now 2026-12-01T10:05:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Tom Okafor" --reason "To counsel" --to counsel@dep.mass.example --force
msgsec quarantine release 20261125T083000Z-7C1D2E3F4A --now 2026-12-01T10:05:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Tom Okafor" --approved-by "tom  OKAFOR" --reason "To counsel" --to counsel@dep.mass.example --force
PATH=$FAKE_BIN:$PATH msgsec quarantine release 20261125T083000Z-7C1D2E3F4A --now 2026-12-01T10:10:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Tom Okafor" --approved-by "Priya Raman" --reason "Counsel asked for it" --to counsel@dep.mass.example --force --remove-held
FAKE_POSTSUPER_FAIL=1 PATH=$FAKE_BIN:$PATH msgsec quarantine release 20261125T083000Z-7C1D2E3F4A --now 2026-12-01T10:15:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Tom Okafor" --reason "Once more" --force --remove-held
PATH=$FAKE_BIN:$PATH msgsec quarantine release 20261120T101500Z-4F2A1B7C3D --now 2026-12-01T10:20:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Priya Raman" --reason "Vendor installer" --remove-held
# The alert log cannot be opened: nothing is sent.
msgsec quarantine release 20240105T120000Z-1A2B3C4D5E --now 2026-12-01T10:00:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --set alerts.file=/nonexistent/alerts.json --by x --reason y
msgsec alerts --event-type release --table --width 200 ../state/alerts.json
# A split message (milter.split_recipients) was kept for some recipients
# only (held_for): release goes to them by default; the others, original
# recipients too, need no approval.
mkdir -p ../state/quarantine/20261126T090000Z-SPLIT00001
printf 'From: a@example.org\nTo: a@dep.mass.example, b@dor.mass.example\nSubject: split\n\nbody\n' >../state/quarantine/20261126T090000Z-SPLIT00001/message.eml
printf '{"queue_id":"SPLIT00001","received":1795683600,"mail_from":"a@example.org","rcpt_to":["a@dep.mass.example","b@dor.mass.example"],"client_ip":"203.0.113.9","direction":"inbound","agency":"DEP","action":"discard","rules":["attach.dangerous-extension"],"size":77,"held_for":["b@dor.mass.example"],"history":[{"on":1795683600,"by":"msgsec-milter","action":"stored"}]}' >../state/quarantine/20261126T090000Z-SPLIT00001/meta.json
msgsec quarantine show 20261126T090000Z-SPLIT00001
msgsec quarantine release 20261126T090000Z-SPLIT00001 --now 2026-12-01T11:00:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Tom Okafor" --reason "Checked: a false positive"
msgsec quarantine release 20261126T090000Z-SPLIT00001 --now 2026-12-01T11:05:00Z --set quarantine.sendmail=$FAKE_SENDMAIL --by "Tom Okafor" --reason "A asked again" --to a@dep.mass.example --force
