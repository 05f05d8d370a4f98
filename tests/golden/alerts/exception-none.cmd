alerts --json --exception none --clause 1 L/mixed.json
