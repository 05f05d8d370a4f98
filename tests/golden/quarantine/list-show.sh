msgsec quarantine list
msgsec quarantine list --since 2026-11-01
msgsec quarantine list --rule 'attach.*'
msgsec quarantine list --agency dor
msgsec quarantine list --agency MASSIT
msgsec quarantine list --since 2026-02-30
msgsec quarantine show 20261125T083000Z-7C1D2E3F4A
msgsec quarantine show 20261120T101500Z-4F2A1B7C3D --headers
msgsec quarantine show 20261120T101500Z-0000000000
msgsec quarantine show ../etc
msgsec quarantine show
