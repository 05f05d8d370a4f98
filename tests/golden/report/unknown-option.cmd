report --html - -c rules/msgsec.yaml --frobnicate 1
