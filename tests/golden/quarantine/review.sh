# What the office reviews a held message by (issue 12): the milter keeps
# the subject, the reply, the deciding rule, every hit and every file name
# (a member of an archive as js.zip/payload.js) in meta.json; `list`
# shows the rule, recipients and subject, `show` the rest; `extract`
# writes one decoded part or the raw message to a new 0600 file, never
# over an existing file without --force, never over anything but a
# regular file, never to a terminal.  The message is made here and stored
# by msgsec-milter --test --store, then given a fixed id.
/usr/bin/python3 - "$W/js.eml" <<'PY'
import io, sys, zipfile
z = io.BytesIO()
with zipfile.ZipFile(z, "w") as f:
    f.writestr(zipfile.ZipInfo("payload.js", (2026, 12, 1, 10, 0, 0)), "WScript.Echo(1)")
import base64
b = base64.encodebytes(z.getvalue()).decode()
open(sys.argv[1], "w", newline="\r\n").write(
    "From: a@example.org\nTo: user@dep.mass.example, boss@dep.mass.example\n"
    "Subject: Invoice for December\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n"
    "Message-ID: <review-1@example.org>\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
    "Content-Type: text/plain\n\nsee attached\n--b\n"
    "Content-Type: application/zip; name=\"js.zip\"\n"
    "Content-Disposition: attachment; filename=\"js.zip\"\n"
    "Content-Transfer-Encoding: base64\n\n" + b + "--b--\n")
PY
"$top/$O/msgsec-milter" -c msgsec.yaml --set clamav.enabled=false --test "$W/js.eml" --from a@example.org --rcpt user@dep.mass.example --rcpt boss@dep.mass.example --now 2026-12-01T10:00:00Z --store --alerts >/dev/null
# Every message judged is one "message" line in the alert log (hits or
# not), unless alerts.message_records is off.
printf 'From: a@example.org\r\nTo: user@dep.mass.example\r\nSubject: hello\r\nDate: Tue, 01 Dec 2026 10:01:00 +0000\r\nMessage-ID: <clean-1@example.org>\r\n\r\nhello\r\n' >"$W/clean.eml"
"$top/$O/msgsec-milter" -c msgsec.yaml --set clamav.enabled=false --test "$W/clean.eml" --from a@example.org --rcpt user@dep.mass.example --now 2026-12-01T10:01:00Z --alerts
"$top/$O/msgsec-milter" -c msgsec.yaml --set clamav.enabled=false --set alerts.message_records=false --test "$W/clean.eml" --from a@example.org --rcpt user@dep.mass.example --now 2026-12-01T10:02:00Z --alerts
for e in "$W"/state/quarantine/*/; do e=$(basename "$e"); [ -d "$W/orig/quarantine/$e" ] || { mv "$W/state/quarantine/$e" "$W/state/quarantine/20261201T100000Z-REVIEW0001"; sed -i "s/$e/20261201T100000Z-REVIEW0001/g" "$W/state/alerts.json"; }; done
msgsec quarantine list --since 2026-12-01
msgsec quarantine show 20261201T100000Z-REVIEW0001
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --part 2 -o ../out.zip
stat -c 'mode %a' ../out.zip
/usr/bin/python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).namelist())' ../out.zip
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --part=1 --output=../out.zip
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --part 1 -o ../out.zip --force
cat ../out.zip; echo
"$top/$O/msgsec" quarantine extract 20261201T100000Z-REVIEW0001 --raw -o - -c msgsec.yaml | cmp - "$W/state/quarantine/20261201T100000Z-REVIEW0001/message.eml" && echo "raw: the bytes as received"
ln -s "$W/js.eml" ../link.eml
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --raw -o ../link.eml --force
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --raw -o /dev/null
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --part 0 -o ../x
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --part 7 -o ../x
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --part 2
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --part 2 --raw -o ../x
msgsec quarantine extract 20261201T100000Z-REVIEW0001 --part two -o ../x
msgsec quarantine extract ../etc --raw -o ../x
ls "$W" | grep -c msgsec- | sed 's/^/temporary files left: /'
msgsec alerts summary ../state/alerts.json
# An entry written before the milter kept these fields still shows.
msgsec quarantine show 20240105T120000Z-1A2B3C4D5E
