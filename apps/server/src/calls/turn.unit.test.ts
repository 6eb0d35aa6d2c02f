import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor, turnCredentials } from './turn.js';

describe('TURN REST credentials', () => {
  it('derives the coturn use-auth-secret pair: expiry:user and base64 HMAC-SHA1', () => {
    const { username, credential } = turnCredentials(
      's3cret-s3cret-s3cret',
      'agent-7',
      3600,
      1_700_000_000_500,
    );
    expect(username).toBe('1700003600:agent-7');
    expect(credential).toBe(
      createHmac('sha1', 's3cret-s3cret-s3cret').update('1700003600:agent-7').digest('base64'),
    );
  });

  it('gives STUN without credentials and TURN with them', () => {
    const s = {
      urls: ['stun:t.example.com', 'turn:t.example.com:3478', 'turns:t.example.com:443'],
      secret: 'x'.repeat(16),
      ttlSeconds: 60,
    };
    const servers = iceServersFor(s, 'v1', 0);
    expect(servers).toEqual([
      { urls: ['stun:t.example.com'] },
      {
        urls: ['turn:t.example.com:3478', 'turns:t.example.com:443'],
        username: '60:v1',
        credential: expect.any(String),
      },
    ]);
    expect(iceServersFor({ urls: [], secret: undefined, ttlSeconds: 60 }, 'v1', 0)).toEqual([]);
  });
});
