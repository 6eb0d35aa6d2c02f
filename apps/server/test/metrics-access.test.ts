import { describe, expect, it } from 'vitest';
import { startTestServer } from './support.js';

const TOKEN = 'metrics-token-0123456789abcdef';

/** /metrics is never public: 404 unless METRICS_TOKEN (bearer) or METRICS_PORT (own listener) is set. */
describe('/metrics access', () => {
  it('is not served at all without METRICS_TOKEN or METRICS_PORT', async () => {
    const t = await startTestServer();
    try {
      const res = await fetch(`${t.url}/metrics`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      expect(t.server.metricsUrl).toBeNull();
    } finally {
      await t.stop();
    }
  });

  it('answers on the public port only to the bearer token', async () => {
    const t = await startTestServer({ METRICS_TOKEN: TOKEN });
    try {
      for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN]) {
        const res = await fetch(`${t.url}/metrics`, { headers: authorization ? { authorization } : {} });
        expect(res.status, String(authorization)).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      }
      const ok = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('visavis_ws_connections');
    } finally {
      await t.stop();
    }
  });

  it('with METRICS_PORT moves to its own listener (token still required when set) and leaves the public port', async () => {
    const t = await startTestServer({ METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
    try {
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
      const url = t.server.metricsUrl!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await fetch(url)).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('visavis_ws_connections');
      expect((await fetch(url.replace('/metrics', '/api/me'))).status).toBe(404);
    } finally {
      await t.stop();
    }
  });
});
