alerts --table --width 100 L/malformed.json
