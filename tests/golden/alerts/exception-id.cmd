alerts --json --exception 'EX-2026-01*' L/mixed.json
