alerts --json --action reject L/mixed.json
