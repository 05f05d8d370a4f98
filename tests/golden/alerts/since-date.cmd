alerts --json --since 2026-11-21 L/mixed.json
