alerts summary --json L/review.json
