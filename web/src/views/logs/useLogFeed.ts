import { useCallback, useEffect, useRef, useState } from 'react';
import { api, qs } from '../../api/client.js';
import { useStream } from '../../stream/context.js';
import { LogBuffer } from './logBuffer.js';
import { type LogLine, type LogTail, MAX_LINES, TAIL_LINES } from './logTypes.js';

export type FeedState = { status: 'loading' } | { status: 'ready' } | { status: 'error'; error: unknown };

const nextFrame: (fn: () => void) => () => void =
  typeof requestAnimationFrame === 'function'
    ? (fn) => {
        const id = requestAnimationFrame(fn);
        return () => cancelAnimationFrame(id);
      }
    : (fn) => {
        const id = setTimeout(fn, 16);
        return () => clearTimeout(id);
      };

/**
 * One source's log: the tail over REST, then live lines over the stream (`logs.follow`), for
 * as long as the view shows that source. Live lines are queued and appended once per animation
 * frame, so a burst of frames costs one render. Following starts before the tail is asked for,
 * and lines that arrive meanwhile are kept unless the tail already had them (by `seq`), so the
 * switch from tail to live loses nothing.
 */
export function useLogFeed(source: string) {
  const stream = useStream();
  const [buffer, setBuffer] = useState(() => new LogBuffer(MAX_LINES));
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<FeedState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const current = useRef(buffer);

  useEffect(() => {
    void attempt;
    const buf = new LogBuffer(MAX_LINES);
    current.current = buf;
    setBuffer(buf);
    setState({ status: 'loading' });
    let cancelled = false;
    let tailDone = false;
    const early: LogLine[] = [];
    let queue: LogLine[] = [];
    let cancelFrame: (() => void) | null = null;
    const flush = () => {
      cancelFrame = null;
      if (cancelled) return;
      buf.append(queue);
      queue = [];
      setVersion((v) => v + 1);
    };
    const push = (into: LogLine[], lines: readonly LogLine[]) => {
      for (const l of lines) into.push(l);
    };
    const off = stream.onFrame((frame) => {
      if (frame.type !== 'logs.lines' || frame.source !== source) return;
      if (frame.dropped) buf.skippedByServer += frame.dropped;
      if (!tailDone) {
        push(early, frame.lines);
        return;
      }
      push(queue, frame.lines);
      cancelFrame ??= nextFrame(flush);
    });
    stream.followLogs(source);
    api<LogTail>(`/logs${qs({ source, tail: TAIL_LINES })}`).then(
      (tail) => {
        if (cancelled) return;
        buf.append(tail.lines);
        const last = tail.lines.at(-1)?.seq ?? -1;
        push(
          queue,
          early.filter((l) => l.seq > last),
        );
        early.length = 0;
        tailDone = true;
        setState({ status: 'ready' });
        flush();
      },
      (error: unknown) => {
        if (!cancelled) setState({ status: 'error', error });
      },
    );
    return () => {
      cancelled = true;
      off();
      cancelFrame?.();
      stream.unfollowLogs(source);
    };
  }, [source, stream, attempt]);

  const clear = useCallback(() => {
    current.current.clear();
    setVersion((v) => v + 1);
  }, []);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { buffer, version, state, clear, retry };
}
