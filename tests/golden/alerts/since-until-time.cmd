alerts --json --since 2026-11-20T10:00:00Z --until 2026-11-21T08:00:00Z L/mixed.json
