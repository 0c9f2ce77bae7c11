import { join } from 'node:path';
import { AGENT_FILES } from '../agent-dir.js';
import { WRITE_FAILED_MARKER } from '../hook-cli.js';
import { shellQuote } from '../shell.js';

/**
 * The hook Claude Code runs on every event: a POSIX sh script written into the agent's state
 * dir at launch (docs/adr/0011-hooks-without-node.md). Claude Code runs hooks one after another
 * and waits for each, so a hook that starts Node (~60–150 ms) delays the agent at every tool
 * call and puts two Node start-ups between a tool_use and its permission dialog
 * (PreToolUse, then PermissionRequest). This script needs `sh`, `cat`, `date` and, when the
 * events file is not empty, `tail` — a few milliseconds in all — and writes exactly the line
 * `flotilla hook` writes (src/agents/hook-cli.ts), so the daemon's reader sees no difference.
 *
 * What it keeps from `flotilla hook`:
 * - one whole line per event, in ONE write on an O_APPEND descriptor (`>>`): concurrent hooks
 *   never interleave. A line of up to 4000 bytes is one `printf` (below any shell's output
 *   buffer, so one write(2) in dash, bash and busybox alike); a longer one goes through
 *   `dd iflag=fullblock`, which reads all of it before its single write;
 * - a file that ends in a torn line (a write cut short by a full disk) gets a newline first;
 * - the payload is stdin data, never part of a command: it only ever sits in a variable that
 *   is expanded inside double quotes as an argument of `printf '%s'`;
 * - silent, always exit 0 (Claude Code reads a hook's stdout, and exit 2 blocks a tool).
 *
 * What it hands to `flotilla hook` (Node) instead: a payload that is not one JSON object as
 * Claude Code sends it (does not start with `{` and end with `}`), one over 256 KiB (Node
 * clips long strings; the reader skips lines over 8 MiB), and any write that failed (a full
 * disk, no GNU dd): Node writes again — on a fresh line after the torn part — and, if that
 * fails too, leaves the `hook-write-failed` marker with the real error code. If Node itself
 * cannot run, the script leaves the marker (code `WRITE_FAILED`).
 *
 * No poke: the daemon watches the events file (fs.watch, with a stat per health tick as the
 * fallback), so the HTTP call `flotilla hook` makes is not needed on this path.
 */

/** The script's name in the agent's state dir. */
export const HOOK_SCRIPT_FILE = 'hook.sh';
/** The shell that runs it: POSIX sh is all it needs. */
export const HOOK_SHELL = '/bin/sh';
/** Lines up to this many bytes are written by the shell's own printf. */
export const PRINTF_MAX_BYTES = 4000;
/** Payloads over this many bytes go to `flotilla hook`, which clips long strings. */
export const SH_MAX_PAYLOAD_BYTES = 256 * 1024;

export interface HookScriptInput {
  /** The agent's state dir (holds events.jsonl and the marker). */
  agentDir: string;
  agentId: string;
  /** argv of `flotilla hook` (node + bin + 'hook'): the fallback for what sh does not handle. */
  hookArgv: readonly string[];
}

/** The script's text. Only Flotilla's own values (paths, the agent id) are written into it. */
export function hookScript(input: HookScriptInput): string {
  // Written raw into a JSON string of every line: letters, digits, _ and - only.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(input.agentId)) throw new Error(`not an agent id: ${input.agentId}`);
  const q = shellQuote;
  const fallback = input.hookArgv.map(q).join(' ');
  return `# Flotilla hook of agent ${input.agentId}: one hook event in, one whole line out to
# events.jsonl, no Node start-up. Written at launch; see src/agents/claude-code/hook-script.ts.
# usage: sh ${HOOK_SCRIPT_FILE} EVENT < payload.json
LC_ALL=C
umask 077
# Silent whatever happens: Claude Code reads a hook's output.
exec >/dev/null 2>&1
f=${q(join(input.agentDir, AGENT_FILES.events))}
m=${q(join(input.agentDir, WRITE_FAILED_MARKER))}
a=${q(input.agentId)}
e=\${1:-unknown}
case $e in *[!A-Za-z]*) e=unknown ;; esac
nl='
'
p=$(cat)
# Hand the event to \`flotilla hook\` (Node): it writes the line itself, or leaves the marker.
slow() {
  printf '%s' "$p" | ${fallback} "$e" || printf '{"event":"%s","code":"WRITE_FAILED"}' "$e" >"$m"
  exit 0
}
# Raw CR/LF can only be whitespace between JSON tokens: dropping them keeps the JSON, on one line.
case $p in *[[:cntrl:]]*) p=$(printf '%s' "$p" | tr -d '\\r\\n') ;; esac
case $p in '') p='{}' ;; '{'*'}') ;; *) slow ;; esac
[ \${#p} -le ${SH_MAX_PAYLOAD_BYTES} ] || slow
ts=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
case $ts in *N* | '') ts=$(date -u +%Y-%m-%dT%H:%M:%SZ) ;; esac
l="{\\"ts\\":\\"$ts\\",\\"agentId\\":\\"$a\\",\\"event\\":\\"$e\\",\\"payload\\":$p}$nl"
# After a torn line (no newline at the end), start a fresh one.
if [ -s "$f" ] && [ -n "$(tail -c 1 "$f")" ]; then l="$nl$l"; fi
if [ \${#l} -le ${PRINTF_MAX_BYTES} ]; then
  printf '%s' "$l" >>"$f" || slow
else
  printf '%s' "$l" | dd of="$f" oflag=append conv=notrunc bs=${2 * SH_MAX_PAYLOAD_BYTES} count=1 iflag=fullblock status=none || slow
fi
exit 0
`;
}
