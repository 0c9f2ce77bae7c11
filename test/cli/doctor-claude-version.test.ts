import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAUDE_CODE_NEWEST_TESTED } from '../../src/agents/claude-code/tested.js';
import { BIN, makeSandbox, runCommand, type Sandbox } from '../helpers/cli.js';
import { claudeVersions } from '../helpers/e2e.js';
import { checkLoopbackOnly } from '../helpers/netns.js';

/**
 * `flotilla doctor` names the Claude Code version of the configured command and warns when it is
 * newer than the newest one Flotilla was tested with. Real processes: the `flotilla` binary and
 * the real Claude Code CLIs (pinned, and npm's newest from the test cache), run inside a network
 * namespace with no interface up, so `claude --version` can reach nothing.
 */

interface Check {
  name: string;
  status: string;
  detail: string;
  fix?: string;
}

const netns = await checkLoopbackOnly();

describe.skipIf(!netns.available)(
  `doctor and the Claude Code version${netns.available ? '' : ` (skipped: ${netns.reason})`}`,
  () => {
    let sb: Sandbox;
    afterEach(() => sb.cleanup());

    const doctor = async (command: string): Promise<Check | undefined> => {
      const r = await runCommand('unshare', ['-n', process.execPath, BIN, 'doctor', '--json'], {
        cwd: sb.repo,
        env: { ...sb.env, FLOTILLA_AGENTS__CLAUDE_CODE__COMMAND: command, DISABLE_AUTOUPDATER: '1' },
      });
      const report = JSON.parse(r.stdout) as { checks: Check[] };
      return report.checks.find((c) => c.name === 'agent claude-code');
    };

    // npm's newest can be newer than the newest tested (a release since the constant was raised):
    // then doctor is right to warn, and the next test shows the warning itself.
    const newer = (a: string, b: string) => {
      const [x, y] = [a, b].map((v) => v.split('.').map(Number));
      for (let i = 0; i < 3; i++) if ((x?.[i] ?? 0) !== (y?.[i] ?? 0)) return (x?.[i] ?? 0) > (y?.[i] ?? 0);
      return false;
    };
    for (const v of claudeVersions()) {
      it.skipIf(v.skip !== null)(
        `names ${v.label} ${v.version}, warning only if it is newer than the newest tested${v.skip ? ` (skipped: ${v.skip})` : ''}`,
        async () => {
          sb = makeSandbox();
          const check = await doctor(v.path);
          expect(check?.status).toBe(newer(v.version, CLAUDE_CODE_NEWEST_TESTED) ? 'warn' : 'ok');
          expect(check?.detail).toContain(v.version);
        },
      );
    }

    it('warns (without failing) when the installed one is newer than the newest tested', async () => {
      sb = makeSandbox();
      // Stands in for a release that does not exist yet; it prints what `claude --version` prints.
      const future = join(sb.dir, 'claude');
      writeFileSync(future, '#!/bin/sh\necho "9.0.1 (Claude Code)"\n');
      chmodSync(future, 0o755);
      const check = await doctor(future);
      expect(check).toMatchObject({ status: 'warn', detail: expect.stringContaining('9.0.1') });
      expect(check?.detail).toContain(`newer than ${CLAUDE_CODE_NEWEST_TESTED}`);
      expect(check?.fix).toContain(`@anthropic-ai/claude-code@${CLAUDE_CODE_NEWEST_TESTED}`);
    });
  },
);
