alerts --since 2026-11-22 --until 2026-11-21 L/mixed.json
