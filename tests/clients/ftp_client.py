# SPDX-License-Identifier: MIT
# An anonymous FTP session for the vsftpd client test: login, LIST, RETR of
# hello.txt; one "step=result" line each (the reply code, or the error).
import ftplib, sys, io

def why(e):
    s = str(e).split()
    return s[0] if s else type(e).__name__

try:
    f = ftplib.FTP()
    f.connect("127.0.0.1", int(sys.argv[1]), timeout=5)
    print("login=" + f.login().split()[0])
    lines = []
    try:
        f.retrlines("LIST", lines.append)
        print("list=" + ("ok" if any("hello.txt" in l for l in lines) else "missing"))
    except (ftplib.all_errors + (EOFError,)) as e:
        print("list=" + why(e))
    buf = io.BytesIO()
    try:
        f.retrbinary("RETR hello.txt", buf.write)
        print("retr=" + ("ok" if buf.getvalue() == b"hello from enostub\n" else "wrong"))
    except (ftplib.all_errors + (EOFError,)) as e:
        print("retr=" + why(e))
    f.quit()
except (ftplib.all_errors + (EOFError,)) as e:
    print("error=" + why(e))
