import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { JANUS_BIN, janusUnavailableReason } from '../../test-support/janus.js';
import { createTestNetns } from '../../test-support/netns.js';
import { startMedia, type MediaLog } from './media-setup.js';

const unavailable = await janusUnavailableReason();
if (unavailable && process.env.CI) throw new Error(`the janus suite cannot run: ${unavailable}`);

describe.skipIf(unavailable)('embedded mode', () => {
  it('spawns Janus with a generated config, serves rooms through the pool, and stops it', async () => {
    const netns = await createTestNetns();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vv-embedded-'));
    const messages: string[] = [];
    const log: MediaLog = {
      debug: () => {},
      info: (_o, m) => messages.push(m),
      warn: (_o, m) => messages.push(`WARN ${m}`),
    };
    try {
      const config = loadConfig({ DATA_DIR: dataDir, JANUS_BIN, JANUS_RTP_PORTS: '21000-21099' });
      const media = await startMedia(config, log, { wrap: netns.wrap, host: netns.nsAddress });
      expect(media.mode).toBe('embedded');
      const pool = media.pool!;
      // The node connects in the background; wait until the pool can take a call.
      const deadline = Date.now() + 5_000;
      while (!pool.available() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const node = pool.pick();
      const room = await node.createRoom({ description: 'embedded' });
      expect((await node.listRooms()).map((r) => r.roomId)).toContain(room.roomId);
      await node.destroyRoom(room.roomId);
      await media.stop();
      expect(messages).toEqual(['embedded Janus started', 'media node up', 'media nodes connected']);
      // Janus is gone with the server: nothing is left running in the namespace.
      const { execFileSync } = await import('node:child_process');
      expect(execFileSync('ip', ['netns', 'pids', netns.name], { encoding: 'utf8' }).trim()).toBe('');
    } finally {
      await netns.destroy();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
