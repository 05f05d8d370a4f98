alerts --json --since 2026-11-22T15:00:00Z --until 2026-11-22T15:30:00Z L/mixed.json
