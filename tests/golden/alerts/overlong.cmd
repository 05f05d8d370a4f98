alerts summary --top 3 L/overlong.json
