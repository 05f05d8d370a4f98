alerts --until 2026-11-20T25:00:00Z L/mixed.json
