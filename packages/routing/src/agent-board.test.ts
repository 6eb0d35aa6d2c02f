import { describe, expect, it } from 'vitest';
import { AgentBoard } from './agent-board.js';
import type { AgentSnapshot } from './types.js';

const agent = (id: string, over: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  id, state: 'online', wrapUpUntil: null, groups: ['g'], capacity: 2, load: 0, lastAssignedAt: null, ...over,
});

const loaded = (...rows: AgentSnapshot[]) => {
  const board = new AgentBoard();
  board.finishReload(board.beginReload(), rows);
  return board;
};

describe('AgentBoard', () => {
  it('holds copies: changing what it was given does not change the board', () => {
    const row = agent('a');
    const board = loaded(row);
    row.load = 2;
    expect(board.get('a')?.load).toBe(0);
  });

  it('a reservation is seen by the next decision, and given back when the hold was not applied', () => {
    const board = loaded(agent('a'));
    const view = board.agents();
    expect(board.reserve('a', 1, 50)).toBe(true);
    expect(view[0]).toMatchObject({ load: 1, lastAssignedAt: 50 });
    board.unreserve('a', 1);
    expect(board.get('a')?.load).toBe(0);
    expect(board.reserve('nobody', 1, 50)).toBe(false);
  });

  it('a refused hold makes the agent full until they are read again', () => {
    const board = loaded(agent('a'));
    board.refused('a');
    expect(board.hasRoom(1, 0)).toBe(false);
    board.put(agent('a', { load: 1 }));
    expect(board.hasRoom(1, 0)).toBe(true);
    expect(board.hasRoom(2, 0)).toBe(false);
  });

  it('a full load does not overwrite an agent changed after it started', () => {
    const board = loaded(agent('a'), agent('b'));
    const token = board.beginReload();
    board.put(agent('a', { state: 'away' })); // an event read after the full load's query ran
    board.finishReload(token, [agent('a', { state: 'online' }), agent('b', { load: 2 })]);
    expect(board.get('a')?.state).toBe('away');
    expect(board.get('b')?.load).toBe(2);
    // The next load, started after the change, applies again.
    board.finishReload(board.beginReload(), [agent('a', { state: 'online' }), agent('b')]);
    expect(board.get('a')?.state).toBe('online');
  });

  it('a full load that finishes after a newer one is dropped', () => {
    const board = loaded(agent('a'));
    const older = board.beginReload();
    const newer = board.beginReload();
    board.finishReload(newer, [agent('a', { load: 1 })]);
    board.finishReload(older, [agent('a', { load: 0 })]);
    expect(board.get('a')?.load).toBe(1);
  });

  it('agents missing from a full load leave; one who joined meanwhile stays', () => {
    const board = loaded(agent('a'), agent('b'));
    const token = board.beginReload();
    board.put(agent('c'));
    board.finishReload(token, [agent('a')]);
    expect(board.agents().map((a) => a.id).sort()).toEqual(['a', 'c']);
    board.remove('c');
    expect(board.size).toBe(1);
  });

  it('hasRoom looks only at online agents out of wrap-up', () => {
    const board = loaded(agent('away', { state: 'away' }), agent('wrapping', { wrapUpUntil: 100, load: 1 }));
    expect(board.hasRoom(1, 0)).toBe(false);
    expect(board.hasRoom(1, 100)).toBe(true);
    expect(board.hasRoom(2, 100)).toBe(false);
  });

  it('the array for decide() is rebuilt when someone joins or leaves, and kept otherwise', () => {
    const board = loaded(agent('a'));
    const first = board.agents();
    board.put(agent('a', { load: 1 }));
    expect(board.agents()).toBe(first);
    expect(first[0]?.load).toBe(1);
    board.put(agent('b'));
    expect(board.agents()).not.toBe(first);
    expect(board.agents()).toHaveLength(2);
  });
});
