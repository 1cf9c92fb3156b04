import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from './api/client';
import { useSession } from './session';

/**
 * The live stream (`GET /api/events/stream`, Server-Sent Events): the server announces each
 * complaint whose read model changed (id, new version, event types) once it is readable, so
 * the queues, the department dashboard and an open complaint reload themselves. Read with
 * `fetch` (not EventSource) so the token travels in the Authorization header, never in a URL.
 * A dropped stream (network, server restart) is reopened with `Last-Event-ID`: the server
 * replays what was missed, and the pages reload once more in case.
 */
export type LiveChange = { complaintId: string; version: number; changes: string[]; siteId: string; department: string | null };
/** `off`: no stream in this tree (component tests); `connecting`, `live`, `offline` (retrying). */
export type LiveStatus = 'off' | 'connecting' | 'live' | 'offline';
/** A batch of changes, or `resync` (reconnected, or too far behind to replay: reload whatever is shown). */
export type LiveSignal = { kind: 'changes'; changes: LiveChange[] } | { kind: 'resync' };
type Listener = (signal: LiveSignal) => void;
type LiveValue = { status: LiveStatus; subscribe: (listener: Listener) => () => void };

const LiveContext = createContext<LiveValue>({ status: 'off', subscribe: () => () => undefined });

export type SseFrame = { id?: string; event: string; data: string };

/** Splits a text/event-stream into frames (the WHATWG rules this stream uses: id, event, data; comments ignored). */
export class SseParser {
  private buffer = '';
  push(chunk: string): SseFrame[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const frames: SseFrame[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const frame: SseFrame = { event: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') frame.id = value;
        else if (field === 'event') frame.event = value;
        else if (field === 'data') data.push(value);
      }
      frame.data = data.join('\n');
      if (data.length || frame.id !== undefined) frames.push(frame);
    }
    return frames;
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export const LiveProvider = ({ children, url = '/api/events/stream' }: { children: ReactNode; url?: string }) => {
  const { state } = useSession();
  const signedIn = state.status === 'signedIn';
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    if (!signedIn) return;
    const controller = new AbortController();
    const emit = (signal: LiveSignal) => listeners.current.forEach((l) => l(signal));
    let lastEventId: string | undefined;
    let connectedBefore = false;
    void (async () => {
      let backoff = 1000;
      while (!controller.signal.aborted) {
        setStatus((s) => (s === 'live' ? 'offline' : s));
        try {
          const headers: Record<string, string> = { accept: 'text/event-stream' };
          if (api.token) headers.authorization = `Bearer ${api.token}`;
          if (lastEventId) headers['last-event-id'] = lastEventId;
          const res = await fetch(url, { headers, signal: controller.signal, cache: 'no-store' });
          if (res.status === 401) {
            api.onUnauthorized?.();
            return;
          }
          if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          const parser = new SseParser();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            for (const frame of parser.push(decoder.decode(value, { stream: true }))) {
              if (frame.event === 'ready') {
                setStatus('live');
                backoff = 1000;
                if (connectedBefore) emit({ kind: 'resync' });
                connectedBefore = true;
              } else if (frame.event === 'change') {
                if (frame.id) lastEventId = frame.id;
                emit({ kind: 'changes', changes: [JSON.parse(frame.data) as LiveChange] });
              } else if (frame.event === 'reset') emit({ kind: 'resync' });
            }
          }
        } catch {
          /* dropped: retry below */
        }
        if (controller.signal.aborted) return;
        setStatus('offline');
        await sleep(backoff, controller.signal);
        backoff = Math.min(backoff * 2, 10_000);
      }
    })();
    return () => controller.abort();
  }, [signedIn, url]);

  // Stable, so that a status change does not make the pages unsubscribe (and drop a reload on its way).
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<LiveValue>(() => ({ status: signedIn ? status : 'off', subscribe }), [signedIn, status, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
};

export const useLiveStatus = (): LiveStatus => useContext(LiveContext).status;

/**
 * A number that grows shortly after a change `matters` (or after a reconnect): put it in a
 * loader's dependencies to reload live. Changes arriving together make one reload.
 */
export const useLiveTick = (matters: (change: LiveChange) => boolean = () => true, delayMs = 150): number => {
  const { subscribe } = useContext(LiveContext);
  const [tick, setTick] = useState(0);
  const mattersRef = useRef(matters);
  mattersRef.current = matters;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribe((signal) => {
      if (signal.kind === 'changes' && !signal.changes.some((c) => mattersRef.current(c))) return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        setTick((n) => n + 1);
      }, delayMs);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, delayMs]);
  return tick;
};
