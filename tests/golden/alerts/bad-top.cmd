alerts summary --top 0 L/mixed.json
