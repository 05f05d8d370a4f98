alerts --since 2026-02-30 L/mixed.json
