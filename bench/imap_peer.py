#!/usr/bin/env python3
"""The peer baseline of the ingest benchmark: what a small Python CRM importer
does — imaplib fetches every message, the email package parses it and reads
the fields a lead needs. Prints one JSON object with the figures."""
import email, email.policy, imaplib, json, sys, time

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
start = time.perf_counter()
imap = imaplib.IMAP4(host, port)
imap.login(user, password)
imap.select("INBOX", readonly=True)
typ, data = imap.uid("SEARCH", None, "ALL")
uids = data[0].split()
parsed = 0
for i in range(0, len(uids), 200):
    chunk = b",".join(uids[i:i + 200])
    typ, items = imap.uid("FETCH", chunk, "(BODY.PEEK[])")
    for item in items:
        if isinstance(item, tuple):
            msg = email.message_from_bytes(item[1], policy=email.policy.default)
            _ = (msg["From"], msg["Subject"], msg["Message-ID"], msg["In-Reply-To"])
            body = msg.get_body(preferencelist=("plain", "html"))
            if body is not None:
                try:
                    body.get_content()
                except Exception:
                    pass
            parsed += 1
imap.logout()
print(json.dumps({"messages": parsed, "seconds": time.perf_counter() - start}))
