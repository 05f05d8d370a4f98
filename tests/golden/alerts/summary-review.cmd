alerts summary L/review.json
