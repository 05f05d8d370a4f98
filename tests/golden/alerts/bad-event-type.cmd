alerts --event-type 'Web Mail' L/mixed.json
