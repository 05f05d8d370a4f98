alerts --follow L/mixed.json.gz
