alerts --json L/cut.json.gz
