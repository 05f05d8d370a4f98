alerts L/mixed.json --rule
