# Legal hold (clause 5): a held entry is never purged or deleted; every
# refused attempt is recorded; release-hold ends one case's hold; an
# entry held under two cases stays held until both are released.
msgsec quarantine hold 20180301T000000Z-9E8D7C6B5A 20261120T101500Z-4F2A1B7C3D --now 2026-12-01T10:00:00Z --by "Legal Counsel"
msgsec quarantine hold 20180301T000000Z-9E8D7C6B5A --case "AG-2026-041" --now 2026-12-01T10:00:00Z --by "Legal Counsel"
msgsec quarantine hold 20180301T000000Z-9E8D7C6B5A 20261120T101500Z-4F2A1B7C3D --case "AG-2026-041" --now 2026-12-01T10:00:00Z --by "Legal Counsel" --reason "Litigation hold, public records request 41."
msgsec quarantine hold 20180301T000000Z-9E8D7C6B5A --case "AG-2026-041" --now 2026-12-01T10:00:00Z --by "Legal Counsel"
msgsec quarantine hold 20180301T000000Z-9E8D7C6B5A --case "SEC-7" --now 2026-12-01T10:05:00Z --by "Security Office"
msgsec quarantine list
msgsec quarantine show 20180301T000000Z-9E8D7C6B5A
msgsec quarantine delete 20261120T101500Z-4F2A1B7C3D --now 2026-12-01T10:10:00Z --by "Priya Raman" --reason "Duplicate."
msgsec quarantine purge --now 2026-12-01T10:10:00Z --retention --by "records office" --dry-run
msgsec quarantine purge --now 2026-12-01T10:10:00Z --older-than 30 --by "records office"
msgsec quarantine release-hold 20180301T000000Z-9E8D7C6B5A --case "AG-2026-041" --now 2026-12-02T09:00:00Z --by "Legal Counsel"
msgsec quarantine release-hold 20180301T000000Z-9E8D7C6B5A --case "NOPE" --now 2026-12-02T09:00:00Z --by "Legal Counsel" --reason "x"
msgsec quarantine release-hold 20180301T000000Z-9E8D7C6B5A --case "AG-2026-041" --now 2026-12-02T09:00:00Z --by "Legal Counsel" --reason "Matter closed."
msgsec quarantine purge --now 2026-12-02T09:10:00Z --older-than 30 --by "records office"
msgsec quarantine release-hold 20180301T000000Z-9E8D7C6B5A 20261120T101500Z-4F2A1B7C3D --case "SEC-7" --now 2026-12-02T09:20:00Z --by "Security Office" --reason "Review done."
msgsec quarantine release-hold 20261120T101500Z-4F2A1B7C3D --case "AG-2026-041" --now 2026-12-02T09:20:00Z --by "Legal Counsel" --reason "Matter closed."
msgsec quarantine delete 20261120T101500Z-4F2A1B7C3D --now 2026-12-02T09:30:00Z --by "Priya Raman" --reason "Duplicate."
msgsec quarantine purge --now 2026-12-02T09:40:00Z --older-than 30 --by "records office"
