alerts --json --exception any L/mixed.json
