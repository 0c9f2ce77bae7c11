import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests drive real tmux servers, git repos and daemons; 2 cores is the budget.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        // Installs the newest Claude Code into the test cache once per run (skips, never fails).
        test: { name: 'node', include: ['test/**/*.test.ts'], globalSetup: ['test/helpers/global-setup.ts'] },
      },
      // The dashboard's components, rendered in happy-dom (jsdom 31 needs Node 22).
      {
        extends: true,
        plugins: [react()],
        test: { name: 'web', include: ['test/web/**/*.test.tsx'], environment: 'happy-dom' },
      },
    ],
  },
});
