#!/usr/bin/env python3
"""Run a command on a new pseudo-terminal, read and drop everything it
writes there and to every pseudo-terminal it opens itself, and exit with
its exit status.  For programs that insist on drawing on a terminal but
whose screen nobody reads: Bochs' term display draws on a pty of its own
(it opens /dev/ptmx), and blocks for good once that pty's buffer is full.
Standard input is /dev/null, so that polling it returns at once.
Usage: drain-pty.py COMMAND [ARG...]"""
import os
import pty
import select
import sys

pid, main_fd = pty.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.execvp(sys.argv[1], sys.argv[1:])


def own_ptys(seen):
    """The slave ends of the ptys the command has opened since last time."""
    new = []
    try:
        fds = os.listdir(f'/proc/{pid}/fd')
    except OSError:
        return new
    for fd in fds:
        try:
            if os.readlink(f'/proc/{pid}/fd/{fd}') != '/dev/ptmx':
                continue
            with open(f'/proc/{pid}/fdinfo/{fd}') as info:
                index = next(l.split()[1] for l in info if l.startswith('tty-index:'))
        except (OSError, StopIteration):
            continue
        if index not in seen:
            seen.add(index)
            try:
                new.append(os.open(f'/dev/pts/{index}', os.O_RDONLY | os.O_NOCTTY))
            except OSError:
                pass
    return new


# Not our own pty: holding its slave open would keep main_fd from ever
# reporting the end.
with open(f'/proc/self/fdinfo/{main_fd}') as info:
    seen = {next(l.split()[1] for l in info if l.startswith('tty-index:'))}
fds = [main_fd]
status = None
while status is None:
    fds += own_ptys(seen)
    for fd in select.select(fds, [], [], 1.0)[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: nothing has the other end open any more
            data = b''
        if not data:
            fds.remove(fd)
            os.close(fd)
    done, wstatus = os.waitpid(pid, os.WNOHANG)
    if done:
        status = wstatus
sys.exit(os.waitstatus_to_exitcode(status))
