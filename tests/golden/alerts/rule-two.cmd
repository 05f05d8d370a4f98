alerts --json --rule 'attach.*' --rule 'spam.subject' L/mixed.json
