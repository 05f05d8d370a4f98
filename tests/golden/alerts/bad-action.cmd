alerts --action block L/mixed.json
