alerts --json --host 142.250.1.1 L/mixed.json
