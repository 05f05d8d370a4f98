alerts --json --event-type im --event-type doh L/mixed.json
