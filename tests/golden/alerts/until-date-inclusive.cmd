alerts --json --until 2026-11-21 L/mixed.json
