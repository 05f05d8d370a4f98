alerts --json --user 'alice@dep.mass.example' L/mixed.json
