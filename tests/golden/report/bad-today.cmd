report --html - -c rules/msgsec.yaml --today 2026-1-22
