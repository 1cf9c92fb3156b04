import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { LiveIndicator } from './components/Layout';
import { I18nProvider } from './i18n/i18n';
import { LiveProvider, SseParser, useLiveTick } from './live';
import { RouterProvider } from './router';
import { SessionProvider } from './session';
import { ME } from './test/render';

describe('the live stream', () => {
  it('should split a text/event-stream into frames, across chunk boundaries, skipping comments', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 2000\n\n: keep-alive\n\nid: 7\nevent: change\ndata: {"complaintId":"c1",')).toEqual([]);
    expect(parser.push('"version":2}\n\nevent: ready\ndata: {}\n\n')).toEqual([
      { id: '7', event: 'change', data: '{"complaintId":"c1","version":2}' },
      { event: 'ready', data: '{}' },
    ]);
  });

  /** A stream the test writes to: each call to fetch opens the next one. */
  const streams = () => {
    const opened: { headers: Record<string, string>; write: (text: string) => void; end: () => void }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
      const encoder = new TextEncoder();
      opened.push({ headers: (init?.headers ?? {}) as Record<string, string>, write: (t) => controller.enqueue(encoder.encode(t)), end: () => controller.close() });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    });
    return opened;
  };

  const Probe = ({ id }: { id: string }) => {
    const tick = useLiveTick((c) => c.complaintId === id, 0);
    return <span data-testid="tick">{tick}</span>;
  };

  const renderLive = (id = 'c1') =>
    render(
      <I18nProvider lang="zh">
        <RouterProvider initialPath="/">
          <SessionProvider initial={ME.duty}>
            <LiveProvider>
              <LiveIndicator />
              <Probe id={id} />
            </LiveProvider>
          </SessionProvider>
        </RouterProvider>
      </I18nProvider>,
    );

  it('should show "live" once the stream is open, reload on a change of what is shown only, and resume with Last-Event-ID after a drop', async () => {
    const opened = streams();
    renderLive('c1');
    await waitFor(() => expect(opened).toHaveLength(1));
    expect(opened[0].headers['last-event-id']).toBeUndefined();
    act(() => opened[0].write('event: ready\ndata: {"resumed":false}\n\n'));
    await waitFor(() => expect(screen.getByTestId('live-indicator').dataset.status).toBe('live'));
    expect(screen.getByTestId('live-indicator').textContent).toContain('实时');

    act(() => opened[0].write('id: 41\nevent: change\ndata: {"complaintId":"other","version":3,"changes":["ComplaintTriaged"],"siteId":"site-a","department":null}\n\n'));
    await new Promise((r) => setTimeout(r, 30));
    expect(screen.getByTestId('tick').textContent).toBe('0');
    act(() => opened[0].write('id: 42\nevent: change\ndata: {"complaintId":"c1","version":2,"changes":["ComplaintTriaged"],"siteId":"site-a","department":null}\n\n'));
    await waitFor(() => expect(screen.getByTestId('tick').textContent).toBe('1'));

    // The server goes away: the indicator says so, and the stream is reopened after the last event id.
    act(() => opened[0].end());
    await waitFor(() => expect(screen.getByTestId('live-indicator').dataset.status).toBe('offline'));
    await waitFor(() => expect(opened).toHaveLength(2), { timeout: 3000 });
    expect(opened[1].headers['last-event-id']).toBe('42');
    // Back: the pages reload once in case (what was missed is replayed too).
    act(() => opened[1].write('event: ready\ndata: {"resumed":true}\n\n'));
    await waitFor(() => expect(screen.getByTestId('live-indicator').dataset.status).toBe('live'));
    await waitFor(() => expect(screen.getByTestId('tick').textContent).toBe('2'));
  });
});
