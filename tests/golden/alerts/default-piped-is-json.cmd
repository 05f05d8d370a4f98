alerts L/mixed.json
