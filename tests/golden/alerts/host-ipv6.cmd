alerts --json --host 2001:db8::/32 L/mixed.json
