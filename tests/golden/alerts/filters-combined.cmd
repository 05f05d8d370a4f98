alerts --json --agency DEP --rule 'network.*' --since 2026-11-21 L/mixed.json
