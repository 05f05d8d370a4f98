alerts --json --rule 'network.webmail*' L/mixed.json
