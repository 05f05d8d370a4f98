alerts --rule '' L/mixed.json
