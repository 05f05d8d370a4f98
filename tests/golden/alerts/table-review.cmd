alerts --table L/review.json
