alerts summary --rule 'network.*' --top 1 L/mixed.json
