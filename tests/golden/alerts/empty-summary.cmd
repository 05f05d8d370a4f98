alerts summary L/empty.json
