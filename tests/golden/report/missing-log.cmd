report --html - -c rules/msgsec.yaml --set paths.exceptions=../R/exceptions --set paths.quarantine=../R/quarantine --today 2026-11-22 --alerts L/nope.json
