# Records written by hand: an empty history key, a null reviews key, a
# comment after the last review, CRLF-free but no final newline.  The
# leading comment block and every other byte are kept.
cat > exceptions/EX-2026-0200.yaml <<'YAML'
# Written by hand.
# Second comment line.
exception:
    id: EX-2026-0200
    agency: DEP
    requested_by: { name: A B, role: designee, email: a@dep.mass.example }
    reasons: "r"
    circumstances: c
    access_controls: a
    scope: { users: [dep.mass.example] }
    valid_from: 2026-12-01
    valid_until: 2026-12-31
    status: "requested"   # waiting
    reviews: ~
    history:
    # nothing yet
YAML
printf '%s' "$(cat exceptions/EX-2026-0200.yaml)" > exceptions/EX-2026-0200.yaml
msgsec exception review EX-2026-0200 --now 2026-12-01T10:00:00Z --body ESB --decision approve --by "Tom Okafor"
msgsec exception review EX-2026-0200 --now 2026-12-01T10:00:00Z --body MassIT --decision approve --by "Priya Raman"
cat > exceptions/EX-2026-0201.yaml <<'YAML'
exception:
  id: EX-2026-0201
  agency: DEP
  requested_by: { name: A B, role: designee, email: a@dep.mass.example }
  reasons: r
  circumstances: c
  access_controls: a
  scope: { users: [dep.mass.example] }
  valid_from: 2026-12-01
  valid_until: 2026-12-31
  status: requested
  history: [ { on: 2026-11-30T00:00:00Z, by: A B, action: requested } ]
YAML
msgsec exception review EX-2026-0201 --now 2026-12-01T10:00:00Z --body ESB --decision approve --by "Tom Okafor"
rm exceptions/EX-2026-0201.yaml
