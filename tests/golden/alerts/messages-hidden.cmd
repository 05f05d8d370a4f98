alerts L/review.json
