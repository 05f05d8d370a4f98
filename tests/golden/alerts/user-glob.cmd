alerts --json --user '*@dor.mass.example' L/mixed.json
