alerts --frobnicate L/mixed.json
