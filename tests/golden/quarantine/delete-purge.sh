# Nothing is removed without a record: delete and purge write the audit
# log first (who, why, and what the message was), then remove.
msgsec quarantine delete 20261125T083000Z-7C1D2E3F4A --now 2026-12-01T10:00:00Z --by "Priya Raman" --reason "Duplicate of a released copy."
msgsec quarantine delete 20261125T083000Z-7C1D2E3F4A --now 2026-12-01T10:00:00Z --by "Priya Raman" --reason "again"
msgsec quarantine delete 20261120T101500Z-4F2A1B7C3D --now 2026-12-01T10:00:00Z
msgsec quarantine purge --now 2026-12-01T10:00:00Z --by "records office"
msgsec quarantine purge --now 2026-12-01T10:00:00Z --older-than 0 --by x
msgsec quarantine purge --now 2026-12-01T10:00:00Z --older-than 365 --retention --by x
msgsec quarantine purge --now 2026-12-01T10:00:00Z --retention
msgsec quarantine purge --now 2026-12-01T10:00:00Z --retention --by "records office" --dry-run
msgsec quarantine purge --now 2026-12-01T10:00:00Z --retention --by "records office"
msgsec quarantine purge --now 2026-12-01T10:00:00Z --older-than 365 --by "records office" --reason "Court order 2026-117."
msgsec quarantine list
