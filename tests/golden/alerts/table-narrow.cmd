alerts --table --width 80 L/mixed.json
