"""The stateful Python process of an aira worker session (a small REPL kernel).

The daemon starts it as `python -u driver.py` with four pipes: fd 0 carries one JSON request per
line ({"exec_id", "marker", "code"}), fd 1 and fd 2 are the user code's stdout and stderr, fd 3
receives one status line per request ("<marker> <rc>" or "<marker> signal SIGINT").
After each request the driver writes the request's marker to fd 1 and fd 2 (after flushing), so
the daemon knows both streams are complete; the marker is random per request, so output cannot
fake it by accident.

Code runs in one persistent `__main__` namespace: variables, imports, cwd and os.environ survive
between requests, like a Jupyter kernel. When the last statement is an expression its repr is
printed (sys.displayhook, as the REPL does). An exception prints a traceback to stderr (the user's
frames only: none of this file's, wherever the exception passed through them) and gives rc 1;
SIGINT (the daemon's cancel) raises KeyboardInterrupt in the user code and keeps the state.
"""

import ast
import json
import linecache
import os
import signal
import sys
import traceback
import types

# Requests arrive on a private copy of fd 0; user code gets /dev/null as stdin so it can never
# swallow the daemon's next request. Private fds are non-inheritable (PEP 446), so subprocesses
# of the user code see neither the requests nor the status pipe.
CONTROL = os.fdopen(os.dup(0), "rb")
_null = os.open(os.devnull, os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
STATUS_FD = os.dup(3)
os.close(3)
OUT_FD = os.dup(1)
ERR_FD = os.dup(2)

# User code runs as __main__ so that pickle and classes defined in it behave as in a script.
main = types.ModuleType("__main__")
main.__dict__["__builtins__"] = __builtins__
sys.modules["__main__"] = main
sys.argv = [""]
sys.path[0] = ""

running = False


def on_sigint(_signum, _frame):
    # Only user code is interrupted; a SIGINT that lands between requests is ignored.
    if running:
        raise KeyboardInterrupt


signal.signal(signal.SIGINT, on_sigint)


def write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]


def flush_streams():
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass


DRIVER_FILES = {__file__, os.path.realpath(__file__)}


def user_frames(te):
    # Drop the driver's own frames wherever they are: the ones that called the user code, and the
    # SIGINT handler that raised KeyboardInterrupt on top of it.
    te.stack = traceback.StackSummary.from_list([f for f in te.stack if f.filename not in DRIVER_FILES])
    for chained in (te.__cause__, te.__context__):
        if chained is not None:
            user_frames(chained)


def print_user_traceback(exc):
    te = traceback.TracebackException.from_exception(exc)
    user_frames(te)
    sys.stderr.write("".join(te.format()))


def run(code, number):
    """Runs one request; returns the status text after the marker."""
    global running
    filename = f"<exec-{number}>"
    # Registered so that tracebacks show the source lines, as IPython does.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    try:
        tree = ast.parse(code, filename, "exec")
    except SyntaxError as exc:
        traceback.print_exception(type(exc), exc, None, file=sys.stderr)
        return "1"
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, filename, "exec")
    tail = compile(last, filename, "eval") if last is not None else None
    namespace = main.__dict__
    try:
        running = True
        exec(body, namespace)
        if tail is not None:
            value = eval(tail, namespace)
            running = False
            sys.displayhook(value)
        return "0"
    except KeyboardInterrupt as exc:
        running = False
        print_user_traceback(exc)
        return "signal SIGINT"
    except SystemExit as exc:
        running = False
        code = exc.code
        if code is None:
            return "0"
        if isinstance(code, int):
            return str(code & 0xFF)
        print(code, file=sys.stderr)
        return "1"
    except BaseException as exc:
        running = False
        print_user_traceback(exc)
        return "1"
    finally:
        running = False


def main_loop():
    number = 0
    for line in CONTROL:
        request = json.loads(line)
        number += 1
        os.environ["AIRA_EXEC_ID"] = request["exec_id"]
        try:
            status = run(request["code"], number)
        except KeyboardInterrupt:
            status = "signal SIGINT"
        flush_streams()
        marker = request["marker"].encode()
        write_all(OUT_FD, marker)
        write_all(ERR_FD, marker)
        write_all(STATUS_FD, marker + b" " + status.encode() + b"\n")


main_loop()
