alerts --clause 1.x L/mixed.json
