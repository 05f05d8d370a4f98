alerts -c nowhere.yaml
