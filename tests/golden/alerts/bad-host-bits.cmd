alerts --host 10.20.4.17/16 L/mixed.json
