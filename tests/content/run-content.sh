#!/bin/sh
# tests/content/run-content.sh - true types, archives, encryption, bombs,
# macros and clean look-alikes through msgsec-milter.
exec /usr/bin/python3 "$(dirname "$0")/content_cases.py"
