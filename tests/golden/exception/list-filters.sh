msgsec exception list --today 2026-12-01
msgsec exception list --state approved --today 2026-12-01
msgsec exception list --agency dep --today 2026-12-01
msgsec exception list --rule network.im.whatsapp --today 2026-12-01
msgsec exception list --rule attach.dangerous-extension --today 2026-12-01
msgsec exception list --in-force-on 2026-07-01 --today 2026-12-01
msgsec exception list --expiring-within 200 --today 2026-12-01
msgsec exception list --expiring-within 100 --today 2026-12-01
msgsec exception list --state pending --in-force-on 2026-02-30 --expiring-within -1
msgsec exception show EX-2026-0006 --today 2026-12-01
msgsec exception show EX-2025-0004 --today 2026-12-01
msgsec exception show EX-2026-0042
