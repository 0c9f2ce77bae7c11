import { describe, expect, it } from 'vitest';
import { processGroupId, processStartTime } from '../../../src/proc/identity.js';
import { isZombie } from '../../../src/proc/signals.js';
import { parseStat, readStatFields, statFields } from '../../../src/proc/stat.js';

const onLinux = process.platform === 'linux';

describe('the one /proc/<pid>/stat parser', () => {
  it('finds the fields after a command name holding spaces and parentheses', () => {
    const line = '77 (a) b) (c) Z 1 77 70 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 999 0 3';
    expect(statFields(line)?.slice(0, 4)).toEqual(['Z', '1', '77', '70']);
    expect(statFields('not a stat line')).toBeNull();
    expect(parseStat(line)).toMatchObject({ pid: 77, ppid: 1, sid: 70, startTime: 999 });
  });

  it.runIf(onLinux)('serves identity and liveness readers alike', () => {
    const fields = readStatFields(process.pid);
    expect(fields?.[0]).toMatch(/^[RS]$/);
    expect(processStartTime(process.pid)).toBe(fields?.[19]);
    expect(processGroupId(process.pid)).toBe(Number(fields?.[2]));
    expect(isZombie(process.pid)).toBe(false);
    expect(readStatFields(2 ** 30)).toBeNull();
  });
});
