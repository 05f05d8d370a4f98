alerts summary --follow L/mixed.json
