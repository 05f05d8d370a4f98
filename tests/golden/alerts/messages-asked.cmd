alerts --event-type message L/review.json
