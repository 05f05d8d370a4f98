alerts --json --rule 'spam.*' -
