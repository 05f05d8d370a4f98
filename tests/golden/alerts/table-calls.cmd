alerts --table --width 160 L/calls.json
