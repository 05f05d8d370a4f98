alerts --json --event-type webmial L/mixed.json
