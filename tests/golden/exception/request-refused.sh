# Every problem of a request is reported at once; nothing is written.
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --agency DEP
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --agency DPE --requester " " --role designee --email foo --reasons r --circumstances c --access-controls a --rules 'network.web mail,attach.*' --hosts 300.1.2.3/8,192.0.2.0/33 --users 'a@@b' --from 2026-13-01 --until 2026-02-30
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --agency DEP --requester A --role designee --email a@b.example --reasons r --circumstances c --access-controls a --users dep.mass.example --from 2026-12-01 --until 2027-12-01
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --agency DEP --requester A --role designee --email a@b.example --reasons r --circumstances c --access-controls a --users dep.mass.example --from 2027-01-02 --until 2027-01-01
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --id EX-2026-0001 --agency DEP --requester A --role designee --email a@b.example --reasons r --circumstances c --access-controls a --users dep.mass.example --from 2027-01-01 --until 2027-01-31
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --id ../evil --agency DEP --requester A --role designee --email a@b.example --reasons r --circumstances c --access-controls a --users dep.mass.example --from 2027-01-01 --until 2027-01-31
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --set exceptions.max_days=30 --agency DEP --requester A --role designee --email a@b.example --reasons r --circumstances c --access-controls a --users dep.mass.example --from 2027-01-01 --until 2027-01-31
msgsec exception request --now 2026-12-01T10:00:00Z --no-prompt --agency DEP --bogus x
