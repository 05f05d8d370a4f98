alerts --json --agency dor L/mixed.json
