import { useEffect, useRef, useState } from 'react';
import { routingApi } from '../routing/api.js';
import { usePoll } from '../routing/hooks.js';
import type { AgentStateView, QueueEntryView } from '@visavis/protocol';
import { useStore } from '../store/context.js';

export interface SupervisorData {
  queue: QueueEntryView[];
  agents: AgentStateView[];
  /** Browser time of the last successful fetch; waiting times tick on from it. */
  fetchedAt: number;
  error: unknown;
  loaded: boolean;
}

const POLL_MS = 3_000;

/**
 * The live queue and agent states, fetched every few seconds and soon after any push that may
 * have changed them (an assignment, a close, a presence change). Pushes are debounced so a burst
 * of them costs one fetch.
 */
export function useSupervisorData(): SupervisorData & { reload: () => Promise<void> } {
  const store = useStore();
  const [data, setData] = useState<SupervisorData>({
    queue: [],
    agents: [],
    fetchedAt: 0,
    error: null,
    loaded: false,
  });
  const inflight = useRef(false);

  const reload = async () => {
    if (inflight.current) return;
    inflight.current = true;
    try {
      const [{ queue }, { agents }] = await Promise.all([routingApi.queue(), routingApi.agents()]);
      setData({ queue, agents, fetchedAt: Date.now(), error: null, loaded: true });
    } catch (e) {
      setData((d) => ({ ...d, error: e }));
    } finally {
      inflight.current = false;
    }
  };
  const reloadRef = useRef(reload);
  reloadRef.current = reload;

  usePoll(reload, POLL_MS);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = store.listen((m) => {
      if (m.type !== 'inbox.updated' && m.type !== 'presence.changed' && m.type !== 'ready') return;
      clearTimeout(timer);
      timer = setTimeout(() => void reloadRef.current(), 300);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [store]);

  return { ...data, reload };
}
