import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { pageBytes, parseStat, processTree, scanProcesses } from '../../../src/proc/stat.js';
import { CpuMeter } from '../../../src/supervisor/procfs.js';

const onLinux = process.platform === 'linux';

describe('parseStat', () => {
  it('reads a command name holding spaces and parentheses', () => {
    const line =
      '4242 (my (odd) name) S 1 4242 4240 0 -1 4194304 100 0 0 0 250 30 0 0 20 0 1 0 123456 1000000 512 18446744073709551615';
    expect(parseStat(line)).toEqual({
      pid: 4242,
      ppid: 1,
      sid: 4240,
      cpuTicks: 280,
      startTime: 123456,
      rssPages: 512,
    });
  });

  it('rejects garbage', () => {
    expect(parseStat('not a stat line')).toBeNull();
  });
});

describe.skipIf(!onLinux)('against this machine /proc', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('finds this process and its children in its tree', () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    children.push(child);
    const all = scanProcesses();
    const self = all.find((p) => p.pid === process.pid);
    expect(self).toBeDefined();
    expect(self?.ppid).toBe(process.ppid);
    const tree = processTree(all, process.pid).map((p) => p.pid);
    expect(tree).toContain(process.pid);
    expect(tree).toContain(child.pid);
  });

  it('measures RSS close to what node reports', () => {
    const sample = new CpuMeter().sample(
      processTree(scanProcesses(), process.pid).filter((p) => p.pid === process.pid),
      Date.now(),
    );
    const rss = process.memoryUsage().rss;
    expect(sample.rssBytes).toBeGreaterThan(rss * 0.7);
    expect(sample.rssBytes).toBeLessThan(rss * 1.3);
    expect(sample.cpuPercent).toBeNull();
    expect(pageBytes() % 4096).toBe(0);
  });

  it('turns CPU ticks into the same percentage node measures for itself', () => {
    const meter = new CpuMeter();
    const mine = () => scanProcesses().filter((p) => p.pid === process.pid);
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    meter.sample(mine(), t0);
    let x = 0;
    const end = Date.now() + 500;
    while (Date.now() < end) x += Math.sqrt(x + 1);
    const s = meter.sample(mine(), Date.now());
    const used = process.cpuUsage(cpu0);
    // The machine may be shared: compare with what node itself says it got, not with 100 %.
    const expected = ((used.user + used.system) / 1_000 / (s.at - t0)) * 100;
    expect(x).toBeGreaterThan(0);
    expect(s.cpuPercent).not.toBeNull();
    expect(s.cpuPercent as number).toBeGreaterThan(0);
    expect(Math.abs((s.cpuPercent as number) - expected)).toBeLessThan(15);
  });
});
