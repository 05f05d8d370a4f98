alerts summary L/mixed.json
