report --html - -c rules/msgsec.yaml --top 0
