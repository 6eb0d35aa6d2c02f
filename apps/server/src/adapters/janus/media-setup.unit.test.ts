import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';
import { startMedia, type MediaLog } from './media-setup.js';

function recordingLog() {
  const lines: Array<{ level: string; msg: string; obj: object }> = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  const log: MediaLog = { debug: at('debug'), info: at('info'), warn: at('warn') };
  return { log, lines };
}

const configError = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return null;
};

describe('media configuration', () => {
  it('reads node lists, ports and TURN settings, with embedded-mode defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      JANUS_URL: [],
      JANUS_BIN: '/usr/bin/janus',
      JANUS_RTP_PORTS: '20000-40000',
      TURN_URLS: [],
      TURN_TTL_SECONDS: 86400,
    });
    const external = loadConfig({
      JANUS_URL: 'ws://10.0.0.5:8188, ws://10.0.0.6:8188',
      JANUS_ADMIN_URL: 'ws://10.0.0.5:7188,ws://10.0.0.6:7188',
      TURN_URLS: 'stun:turn.example.com,turn:turn.example.com:3478?transport=udp',
      TURN_SECRET: 'a-long-enough-secret',
    });
    expect(external.JANUS_URL).toEqual(['ws://10.0.0.5:8188', 'ws://10.0.0.6:8188']);
    expect(external.TURN_URLS).toHaveLength(2);
  });

  it('names each bad media setting', () => {
    expect(configError({ JANUS_URL: 'http://x:8188' })).toContain('JANUS_URL');
    expect(configError({ JANUS_URL: 'ws://a:1,ws://b:1', JANUS_ADMIN_URL: 'ws://a:2' })).toContain(
      'JANUS_ADMIN_URL',
    );
    expect(configError({ JANUS_RTP_PORTS: '40000-20000' })).toContain('JANUS_RTP_PORTS');
    expect(configError({ JANUS_PUBLIC_IP: 'example.com' })).toContain('JANUS_PUBLIC_IP');
    expect(configError({ TURN_URLS: 'turn:t.example.com' })).toContain('TURN_SECRET');
    expect(configError({ TURN_URLS: 'stun:t.example.com' })).toBeNull();
  });
});

describe('startMedia', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vv-media-setup-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('runs without video, with a warning saying how to get it, when Janus is not installed', async () => {
    const { log, lines } = recordingLog();
    const media = await startMedia(loadConfig({ DATA_DIR: dataDir, JANUS_BIN: '/nonexistent/janus' }), log);
    expect(media).toMatchObject({ mode: 'unavailable', pool: null });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: expect.stringContaining('/nonexistent/janus') }),
    ]);
    await media.stop();
  });

  it('runs without video when embedded mode is off', async () => {
    const { log, lines } = recordingLog();
    const media = await startMedia(loadConfig({ DATA_DIR: dataDir, JANUS_BIN: 'off' }), log);
    expect(media.pool).toBeNull();
    expect(lines.map((l) => l.level)).toEqual(['info']);
  });

  it('uses the configured nodes in external mode, even while they are down', async () => {
    const { log, lines } = recordingLog();
    const media = await startMedia(loadConfig({ DATA_DIR: dataDir, JANUS_URL: 'ws://127.0.0.1:9' }), log);
    expect(media.mode).toBe('external');
    expect(media.pool?.nodes.map((n) => n.nodeId)).toEqual(['ws://127.0.0.1:9']);
    expect(media.pool?.available()).toBe(false);
    await media.stop();
    expect(lines.some((l) => l.msg === 'media nodes connected')).toBe(true);
  });
});
