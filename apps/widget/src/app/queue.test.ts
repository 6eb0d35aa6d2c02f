import { describe, expect, it } from 'vitest';
import { translator } from './i18n.js';
import { etaMinutes, offlineProblem, queueText } from './queue.js';

const en = translator('en');
const zh = translator('zh-CN');

describe('queue line', () => {
  it('says the place in line and the estimate in whole minutes, rounded up', () => {
    expect(queueText({ position: 3, etaSeconds: 130, closed: false }, en)).toBe('You are number 3 in line · about 3 min');
    expect(queueText({ position: 1, etaSeconds: 20, closed: false }, en)).toBe('You are number 1 in line · about 1 min');
    expect(queueText({ position: 2, etaSeconds: null, closed: false }, en)).toBe('You are number 2 in line');
    expect(queueText({ position: 2, etaSeconds: 240, closed: false }, zh)).toBe('您当前排在第 2 位 · 预计约 4 分钟');
  });

  it('says closed, or just waiting before the first position arrives', () => {
    expect(queueText({ position: 1, etaSeconds: null, closed: true }, en)).toBe('We’re closed now');
    expect(queueText(null, en)).toBe('Waiting for an agent to join…');
    expect(queueText({ position: 0, etaSeconds: 10, closed: false }, en)).toBe('Waiting for an agent to join…');
  });

  it('rounds estimates up and refuses nonsense', () => {
    expect(etaMinutes(0)).toBe(1);
    expect(etaMinutes(60)).toBe(1);
    expect(etaMinutes(61)).toBe(2);
    expect(etaMinutes(null)).toBeNull();
    expect(etaMinutes(-5)).toBeNull();
    expect(etaMinutes(Number.NaN)).toBeNull();
  });
});

describe('leave-a-message form', () => {
  it('needs a message and a way to reach the visitor', () => {
    expect(offlineProblem({ name: '', contact: 'a@b.c', text: '  ' }, en)).toBe('Please write your message.');
    expect(offlineProblem({ name: '', contact: ' ', text: 'Call me' }, en)).toBe('Please tell us how to reach you.');
    expect(offlineProblem({ name: 'x'.repeat(101), contact: 'a@b.c', text: 'Call me' }, en)).toBe('The name or contact is too long.');
    expect(offlineProblem({ name: '', contact: '138 0000 0000', text: 'Call me' }, en)).toBeNull();
  });
});
