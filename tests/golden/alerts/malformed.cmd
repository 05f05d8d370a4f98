alerts --json L/malformed.json
