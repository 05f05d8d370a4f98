alerts --json --clause 1 L/mixed.json
