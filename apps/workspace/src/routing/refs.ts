import { createContext, useContext, useSyncExternalStore } from 'react';
import type { DirectoryAgent, SkillGroup } from '@visavis/protocol';
import { routingApi } from './api.js';

export interface Refs {
  groups: readonly SkillGroup[];
  agents: readonly DirectoryAgent[];
  loaded: boolean;
}

/**
 * Skill groups and colleagues, for names and pickers across the routing screens (transfer, the
 * routing explanation, the supervisor view, admin forms). Loaded once, reloaded after admin edits.
 */
export class RefsStore {
  private state: Refs = { groups: [], agents: [], loaded: false };
  private readonly listeners = new Set<() => void>();
  private inflight: Promise<void> | null = null;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getState = (): Refs => this.state;

  reload(): Promise<void> {
    this.inflight ??= Promise.all([routingApi.groups(), routingApi.directory()])
      .then(([{ groups }, { agents }]) => {
        this.state = { groups, agents, loaded: true };
        for (const fn of this.listeners) fn();
      })
      .catch(() => {})
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  groupName(id: string | null): string | null {
    return id ? (this.state.groups.find((g) => g.id === id)?.name ?? null) : null;
  }

  agentName(id: string | null): string | null {
    return id ? (this.state.agents.find((a) => a.id === id)?.name ?? null) : null;
  }
}

export const RefsContext = createContext<RefsStore | null>(null);

export function useRefsStore(): RefsStore {
  const s = useContext(RefsContext);
  if (!s) throw new Error('useRefsStore outside RefsContext');
  return s;
}

export function useRefs(): Refs {
  const s = useRefsStore();
  return useSyncExternalStore(s.subscribe, s.getState);
}
