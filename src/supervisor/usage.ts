import type { UsageReport } from '../agents/types.js';

/** Token and cost totals of an agent over its whole life (every run of it). */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  /** Stream units (results, turns) added up. */
  reports: number;
}

export const emptyUsage = (): UsageTotals => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0,
  reports: 0,
});

export function addUsage(total: UsageTotals, u: UsageReport): void {
  total.inputTokens += u.inputTokens;
  total.outputTokens += u.outputTokens;
  total.cacheReadTokens += u.cacheReadTokens ?? 0;
  total.cacheWriteTokens += u.cacheWriteTokens ?? 0;
  total.costUsd += u.costUsd ?? 0;
  total.reports += 1;
}
