alerts --user 'x\' L/mixed.json
