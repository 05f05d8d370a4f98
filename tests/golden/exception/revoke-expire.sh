# Revoke an approved record; a revoked or denied one cannot be revoked;
# expire marks approved and requested records whose window has ended.
msgsec exception revoke EX-2026-0001 --now 2026-12-01T10:00:00Z --by "Priya Raman" --note "Inspection portal retired."
msgsec exception revoke EX-2026-0001 --now 2026-12-01T10:00:00Z --by "Priya Raman"
msgsec exception revoke EX-2026-0005 --now 2026-12-01T10:00:00Z --by "Priya Raman"
msgsec exception revoke EX-2026-0003 --now 2026-12-01T10:00:00Z
msgsec exception expire --now 2027-04-01T00:00:00Z
msgsec exception expire --now 2027-04-01T00:00:00Z
msgsec exception list --today 2027-04-01
