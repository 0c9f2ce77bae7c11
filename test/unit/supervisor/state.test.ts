import { describe, expect, it } from 'vitest';
import { RuntimeTable } from '../../../src/supervisor/runtime.js';
import { SAMPLES_KEPT } from '../../../src/supervisor/state/health.js';

describe('an agent runtime, split by concern', () => {
  it('run: a launch bumps the generation, its prompt is typed once, a new launch forgets the run end', () => {
    const { run } = new RuntimeTable(() => 0).get('a1');
    run.launched('do it');
    expect(run.generation).toBe(1);
    expect(run.takePendingPrompt()).toBe('do it');
    expect(run.takePendingPrompt()).toBeNull();
    run.ended({ outcome: 'success', reason: 'done' });
    run.relaunching();
    expect(run.generation).toBe(2);
    expect(run.runEnd).toBeNull();
  });

  it('screen: activity seen once makes a capture due; a capture clears it and keeps the last line', () => {
    const { screen } = new RuntimeTable(() => 0).get('a1');
    expect(screen.sawActivity(100)).toBe(false); // the first sighting is not news
    screen.captured(1, 'hello');
    expect(screen.captureDue).toBe(false);
    expect(screen.sawActivity(100)).toBe(false);
    expect(screen.sawActivity(101)).toBe(true);
    expect(screen.captureDue).toBe(true);
    screen.captured(2, null);
    expect(screen.lastOutput).toBe('hello');
  });

  it('health: a warning is given once per episode; a sign of life ends a stuck episode; samples are bounded', () => {
    const { health } = new RuntimeTable(() => 5).get('a1');
    expect(health.lastActivityAt).toBe(5);
    expect(health.warnOnce('stuck')).toBe(true);
    expect(health.warnOnce('stuck')).toBe(false);
    health.touch(9);
    expect(health.warnOnce('stuck')).toBe(true);
    for (let i = 0; i < SAMPLES_KEPT + 5; i++) health.sample([], i * 1000);
    expect(health.samples).toHaveLength(SAMPLES_KEPT);
  });

  it('wakeups: a cancelled restart never fires; forgetting the table cancels too', async () => {
    const table = new RuntimeTable(() => 0);
    let fired = 0;
    table.get('a1').wakeups.armRestart(
      0,
      () => fired++,
      () => {},
    );
    table.get('a1').wakeups.cancel();
    table.get('a2').wakeups.armResume(
      1,
      0,
      () => fired++,
      () => {},
    );
    expect(table.get('a2').wakeups.resumeAt).toBe(1);
    table.delete('a2');
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(0);
  });
});
