alerts summary --top 3 L/malformed.json
