alerts --json L/mixed.json
