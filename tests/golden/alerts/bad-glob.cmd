alerts --rule 'network.[abc' L/mixed.json
