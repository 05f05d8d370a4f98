alerts --json --clause 3.2 L/mixed.json
