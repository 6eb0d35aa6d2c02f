import { describe, expect, it } from 'vitest';
import { ChunkUploader, type ChunkTransport, type ClientRecordingStatus } from './chunk-uploader.js';

/** A server in memory whose answers the test scripts: `answers` is consumed per PUT. */
function fakeServer(answers: number[] = []) {
  const stored = new Map<number, number>();
  const calls: number[] = [];
  const finishes: unknown[] = [];
  let finishStatus = 200;
  const transport: ChunkTransport = {
    async put(seq, blob) {
      calls.push(seq);
      const status = answers.shift() ?? 201;
      if (status === -1) throw new TypeError('network down');
      if (status < 300) stored.set(seq, blob.size);
      return { status, code: status === 403 ? 'FORBIDDEN' : undefined };
    },
    async finish(meta) {
      finishes.push(meta);
      return { status: finishStatus, recordingId: finishStatus < 300 ? 'rec-1' : null };
    },
  };
  return { transport, stored, calls, finishes, setFinish: (s: number) => (finishStatus = s) };
}

const META = { mime: 'video/webm', startedAt: new Date(0).toISOString(), durationMs: 1000 };
const blob = (n: number) => new Blob([new Uint8Array(n)], { type: 'video/webm' });
const noSleep = async () => undefined;

describe('ChunkUploader', () => {
  it('uploads slices in order, retries failures with back-off, then finishes', async () => {
    const server = fakeServer([201, 500, -1, 201, 201]);
    const waits: number[] = [];
    const seen: ClientRecordingStatus[] = [];
    const up = new ChunkUploader({
      transport: server.transport,
      onChange: (s) => seen.push(s),
      sleep: async (ms) => void waits.push(ms),
      backoffMs: (n) => n * 100,
    });
    up.add(blob(10));
    up.add(blob(0)); // empty slices carry nothing and take no seq
    up.add(blob(20));
    up.add(blob(30));
    const done = await up.close(META);
    expect(server.calls).toEqual([0, 1, 1, 1, 2]);
    expect(waits.filter((w) => w !== 1000)).toEqual([100, 200]); // 1000: close() polling the flush
    expect([...server.stored.entries()]).toEqual([[0, 10], [1, 20], [2, 30]]);
    expect(done).toMatchObject({ state: 'done', uploaded: 3, pending: 0, dropped: 0, bytesUploaded: 60, recordingId: 'rec-1' });
    expect(server.finishes).toEqual([META]);
    expect(seen.some((s) => s.pending > 0)).toBe(true);
  });

  it('keeps a bounded queue: slices past the limit are dropped, not kept', async () => {
    const server = fakeServer();
    const up = new ChunkUploader({ transport: server.transport, onChange: () => undefined, maxQueueBytes: 25, sleep: noSleep });
    up.add(blob(10)); // taken by the upload at once, still counted until stored
    up.add(blob(10));
    up.add(blob(10)); // 30 > 25
    const s = await up.close(META);
    expect(s.dropped).toBe(1);
    expect(s.uploaded).toBe(2);
  });

  it('stops uploading when the server refuses for good, and does not finish', async () => {
    const server = fakeServer([403]);
    const up = new ChunkUploader({ transport: server.transport, onChange: () => undefined, sleep: noSleep });
    up.add(blob(5));
    up.add(blob(5));
    const s = await up.close(META);
    expect(server.calls).toEqual([0]);
    expect(s).toMatchObject({ state: 'failed', uploaded: 0, dropped: 2, error: 'FORBIDDEN' });
    expect(server.finishes).toEqual([]);
  });

  it('gives up flushing after its deadline and finishes with what the server has', async () => {
    const server = fakeServer([201, 503, 503, 503, 503, 503, 503, 503, 503]);
    let now = 0;
    const up = new ChunkUploader({
      transport: server.transport,
      onChange: () => undefined,
      flushTimeoutMs: 5000,
      now: () => now,
      sleep: async (ms) => void (now += ms),
      backoffMs: () => 1000,
    });
    up.add(blob(5));
    up.add(blob(5));
    const s = await up.close(META);
    expect(s).toMatchObject({ state: 'done', uploaded: 1, dropped: 1 });
    expect(server.finishes).toHaveLength(1);
  });
});
