alerts --table --width 100 L/review.json
