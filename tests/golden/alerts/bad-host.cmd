alerts --host 10.0.0.1/33 L/mixed.json
