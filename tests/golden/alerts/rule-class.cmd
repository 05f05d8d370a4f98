alerts --json --rule 'network.[di]*' L/mixed.json
