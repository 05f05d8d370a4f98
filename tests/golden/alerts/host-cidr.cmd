alerts --json --host 10.20.0.0/16 L/mixed.json
