alerts -c msgsec.yaml --set alerts.file=L/none.json
