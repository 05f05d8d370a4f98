alerts summary -c msgsec.yaml
