alerts -c msgsec.yaml --json
