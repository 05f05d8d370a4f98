#!/bin/sh
# A stand-in for sendmail(1) in the quarantine golden tests: prints its
# arguments and the message it was given (the one-time pass masked, since
# it is random), and fails with exit 75 when FAKE_SENDMAIL_FAIL is set.
echo "sendmail argv: $*"
sed -e 's/^\(X-Msgsec-Release:\) [0-9a-f]\{32\}/\1 (32 hex digits)/' -e 's/\r$/<CR>/' |
	sed 's/^/sendmail stdin: /'
[ -z "${FAKE_SENDMAIL_FAIL:-}" ] || exit 75
exit 0
