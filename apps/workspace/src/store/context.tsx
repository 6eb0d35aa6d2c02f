import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { WorkspaceStore } from './workspaceStore.js';
import type { WorkspaceState } from './state.js';

export const StoreContext = createContext<WorkspaceStore | null>(null);

export function useStore(): WorkspaceStore {
  const s = useContext(StoreContext);
  if (!s) throw new Error('useStore outside StoreContext');
  return s;
}

/** The current snapshot; components re-render when the store publishes a new one. */
export function useWorkspace(): WorkspaceState {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** Wall-clock time that advances every `ms`, for ticking waiting times. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
