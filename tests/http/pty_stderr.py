#!/usr/bin/env python3
"""Run a command with its standard error on a pseudo-terminal.

    pty_stderr.py TIMEOUT OUT ERR CMD [ARG...]

Standard input is /dev/null, standard output goes to the file OUT (not a
terminal), standard error to the slave side of a new pseudo-terminal, whose
output (what a user would see, with the terminal's \\n -> \\r\\n) is copied to
the file ERR.  The command is killed after TIMEOUT seconds.  Exits with the
command's status (124 on timeout).  Standard library only.
"""
import os
import pty
import select
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    timeout = float(sys.argv[1])
    out_path, err_path, cmd = sys.argv[2], sys.argv[3], sys.argv[4:]
    master, slave = pty.openpty()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=slave, close_fds=True)
        os.close(slave)
        deadline = time.monotonic() + timeout
        timed_out = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                p.kill()
                timed_out = True
                break
            r, _, _ = select.select([master], [], [], min(left, 0.5))
            if master in r:
                try:
                    data = os.read(master, 4096)
                except OSError:  # EIO: every slave descriptor is closed
                    break
                if not data:
                    break
                err.write(data)
            elif p.poll() is not None:
                # Exited; read what is left without blocking.
                while select.select([master], [], [], 0)[0]:
                    try:
                        data = os.read(master, 4096)
                    except OSError:
                        data = b""
                    if not data:
                        break
                    err.write(data)
                break
        os.close(master)
        rc = p.wait()
    return 124 if timed_out else rc


if __name__ == "__main__":
    sys.exit(main())
