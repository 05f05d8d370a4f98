report --html - -c rules/msgsec.yaml --set nosuch.key=1
