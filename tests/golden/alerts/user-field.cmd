alerts --json --user jdoe L/mixed.json
