alerts summary --json --top 2 L/mixed.json
