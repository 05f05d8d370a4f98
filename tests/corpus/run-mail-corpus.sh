#!/bin/sh
# tests/corpus/run-mail-corpus.sh - the shared mail corpus, when present.
exec /usr/bin/python3 "$(dirname "$0")/mail_corpus.py"
