alerts --table --width 150 L/mixed.json
