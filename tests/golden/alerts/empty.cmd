alerts --json L/empty.json
