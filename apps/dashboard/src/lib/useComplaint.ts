import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, pollUntil } from '../api/client';
import type { ComplaintView, HistoryEvent } from '../api/types';
import { useLiveTick } from '../live';

/**
 * One complaint's view and history. A complaint registered a moment ago may not be in the
 * read model yet (eventually consistent), so a 404 is retried for a while before it is shown.
 */
export const useComplaint = (id: string) => {
  const [view, setView] = useState<ComplaintView | null>(null);
  const [events, setEvents] = useState<HistoryEvent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [syncing, setSyncing] = useState(false);
  const alive = useRef(true);

  const loadHistory = useCallback(async () => {
    try {
      const h = await api.history(id);
      if (alive.current) setEvents(h.events);
    } catch (e) {
      if (alive.current && !(e instanceof ApiError && e.statusCode === 404)) setEvents((prev) => prev ?? []);
    }
  }, [id]);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const { value } = await pollUntil(
        () => api.complaint(id),
        () => true,
        10_000,
        400,
      );
      if (!alive.current) return;
      if (!value) throw new ApiError(404, 'Not Found', `Complaint ${id} not found`, [], 'error.complaint_not_found');
      setView(value);
      await loadHistory();
    } catch (e) {
      if (alive.current) setError(e);
    } finally {
      if (alive.current) setLoading(false);
    }
  }, [id, loadHistory]);

  useEffect(() => {
    alive.current = true;
    setView(null);
    setEvents(null);
    void load();
    return () => {
      alive.current = false;
    };
  }, [load]);

  // The live stream announced a change of this complaint (or reconnected): read it again, quietly.
  const live = useLiveTick((c) => c.complaintId === id);
  useEffect(() => {
    if (live === 0) return;
    void (async () => {
      try {
        const next = await api.complaint(id);
        if (!alive.current) return;
        setView((prev) => (prev && prev.version > next.version ? prev : next));
        await loadHistory();
      } catch {
        // Not readable now: the next announcement, or Refresh, tries again.
      }
    })();
  }, [live, id, loadHistory]);

  /**
   * After a write: poll until the view has caught up with the history and moved past
   * `since`. The history comes straight from the event store, so its last event number is
   * the version the view must reach — one command may append several events (a score of
   * 4 records the callback and reopens), and the read model can show the first alone.
   */
  const waitForChange = useCallback(
    async (since: number, done: (v: ComplaintView) => boolean = (v) => v.version > since): Promise<boolean> => {
      setSyncing(true);
      try {
        let latest = since + 1;
        try {
          const h = await api.history(id);
          if (alive.current) setEvents(h.events);
          latest = Math.max(latest, ...h.events.map((e) => e.seq));
        } catch {
          // Without the history, settle for any newer version.
        }
        // A page closed meanwhile stops the polling; a network failure while waiting is "not
        // settled yet" (the write itself went through), never an unhandled error.
        const { value, settled } = await pollUntil(() => api.complaint(id), (v) => v.version >= latest && done(v), 20_000, 300, () => !alive.current).catch(
          () => ({ value: undefined, settled: false }),
        );
        if (value && alive.current) setView(value);
        if (alive.current) await loadHistory();
        return settled;
      } finally {
        if (alive.current) setSyncing(false);
      }
    },
    [id, loadHistory],
  );

  return { view, events, error, loading, syncing, reload: load, waitForChange };
};
