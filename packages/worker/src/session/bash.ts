import { constants } from 'node:os';
import type { ProcessDialect } from './stateful.js';
import type { LaunchSpec } from './launch.js';

/**
 * The session's stateful bash (`bash --noprofile --norc`, cwd = work folder). Each request is one
 * line: `eval $'<code>'` at top level (not in a function, so `declare`/`local` and `cd` act on the
 * shell itself), stdin from /dev/null so commands cannot eat the next request, and the shell's
 * private fds (3 status, 8/9 saved stdout/stderr) closed for the user code. The markers go to the
 * saved fds, so a command that redirects the shell's own stdout (`exec >file`) cannot hide them.
 *
 * Cancel without losing the shell: SIGUSR1 makes the shell skip the rest of the request, as
 * Ctrl-C does in a terminal. Its trap turns on a DEBUG trap (with extdebug, a failing DEBUG trap
 * skips the command, and `break` in it leaves loops, even builtin-only ones); __aira_done and the
 * next request's first commands turn it off again; the trap also keeps the status of the command
 * it interrupted, so a cut-short request never reports success. The daemon meanwhile SIGTERMs the children,
 * so the command the shell waits for ends and the trap runs.
 */
const LONG_CODE = 2048;
const ALLOWED =
  '[[ $BASH_COMMAND == __aira_done* || $BASH_COMMAND == "trap - DEBUG" || $BASH_COMMAND == "shopt -u extdebug" ]]';
const SKIP = `${ALLOWED} || { break 100000 2>/dev/null; false; }`;
// An interrupted request reports the status of the command the interrupt ended (143 after the
// daemon's SIGTERM), or 143 when it landed between commands: never the 0 of the skipped rest.
const DONE_STATUS =
  'local rc=$1; if [[ -n $__aira_rc ]]; then (( rc > 128 )) || rc=$(( __aira_rc > 128 ? __aira_rc : 143 )); fi; __aira_rc=';
const setupLine = () =>
  [
    'exec 8>&1 9>&2',
    `trap ${ansiC(`__aira_rc=$?; shopt -s extdebug; trap ${ansiC(SKIP)} DEBUG`)} USR1`,
    `__aira_done() { trap - DEBUG; shopt -u extdebug; ${DONE_STATUS}; printf '%s' "$2" >&8; printf '%s' "$2" >&9; printf '%s %s\\n' "$2" "$rc" >&3; }`,
  ].join('; ');

export function bashDialect(spec: () => LaunchSpec, pythonExecutable: string): ProcessDialect {
  const py = ansiC(pythonExecutable);
  // `python` may not exist on the host (Debian has only python3): both names run the worker's
  // configured interpreter, also in child shells (export -f).
  const setup = `${setupLine()}; python() { ${py} "$@"; }; python3() { ${py} "$@"; }; export -f python python3\n`;
  let first = true;
  return {
    role: 'bash',
    spec: () => {
      first = true;
      return spec();
    },
    request(execId, marker, code) {
      // Bash reads its input one byte per read(2) (so that children can share it): fine for a
      // command line, slow for a long script. Past LONG_CODE bytes the code follows the line and
      // dd reads exactly its bytes (at most what was asked, so never the next request).
      const bytes = Buffer.byteLength(code);
      const long = bytes > LONG_CODE;
      const source = long ? `"$(dd bs=${bytes} count=1 iflag=fullblock status=none)"` : ansiC(code);
      const line =
        `trap - DEBUG; shopt -u extdebug; __aira_rc=; export AIRA_EXEC_ID=${execId}; ` +
        `eval ${source} </dev/null 3>&- 8>&- 9>&-; __aira_done $? ${marker}\n${long ? code : ''}`;
      if (!first) return line;
      first = false;
      return setup + line;
    },
    softInterrupt(pid) {
      try {
        process.kill(pid, 'SIGUSR1');
      } catch {
        // gone
      }
    },
    repeatSoftInterrupt: true,
    parseStatus(text) {
      const rc = Number(text.trim());
      return { exitCode: Number.isInteger(rc) ? rc : -1, signal: '' };
    },
  };
}

const HEX = '0123456789abcdef';
/** $'...' escapes for every byte that is not plain printable ASCII (UTF-8 bytes become \xHH). */
const ESCAPE: string[] = Array.from({ length: 256 }, (_, b) =>
  b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c
    ? String.fromCharCode(b)
    : `\\x${HEX[b >> 4]}${HEX[b & 15]}`,
);

/** Quotes text as a bash ANSI-C string. Bash strings cannot hold NUL: callers refuse it first. */
export function ansiC(text: string): string {
  return `$'${ansiCInner(text)}'`;
}

function ansiCInner(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = ESCAPE[bytes[i]!]!;
  return parts.join('');
}

/** Exit status 128+N of a shell as the signal's name, when N is a signal. */
export function signalFromStatus(status: number): string {
  if (status <= 128) return '';
  const n = status - 128;
  for (const [name, num] of Object.entries(constants.signals)) if (num === n) return name;
  return '';
}
