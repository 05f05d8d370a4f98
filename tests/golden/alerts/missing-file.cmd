alerts --json L/nope.json L/rot/alerts.json
