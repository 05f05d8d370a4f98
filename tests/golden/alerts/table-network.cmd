alerts --table --width 150 L/network.json
