alerts --json --event-type flow L/mixed.json
