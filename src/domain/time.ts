import { z } from 'zod';

/** Timestamps are ISO-8601 UTC strings with milliseconds, stored and sent as-is. */
export const TimestampSchema = z.iso.datetime({ offset: false });
export type Timestamp = z.infer<typeof TimestampSchema>;

export const nowIso = (): Timestamp => new Date().toISOString();
