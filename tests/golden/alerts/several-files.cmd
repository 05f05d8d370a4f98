alerts --json --clause 1.2 L/mixed.json L/rot/alerts.json.3 L/rot/alerts.json.2.gz
