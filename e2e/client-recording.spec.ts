// Client-side recording in the browser, through the real server and a real Janus (in a network
// namespace, see e2e/harness/call.ts): the skill group records (mode 'on', visitor local copy
// allowed); the agent's workspace records the call (both videos side by side on a canvas, both
// voices mixed) and uploads 2-second slices while the call runs; after hang-up the server holds
// one `client` recording, checked with ffprobe/ffmpeg (a video and an audio stream, the call's
// length, picture in both halves, sound). The visitor's widget kept its own copy: Replay plays
// it, Save offers it as a file. VV_SHOTS=<dir> keeps screenshots of both sides and the recording there.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AGENT1, PHONE, closeSide, loginAgent, openWidget, startConversation, waitFor, type Side } from './harness/chat.js';
import { adminApi, type AdminApi } from './harness/routing.js';
import { janusUnavailableReason, startCallEnv, trackPeerConnections, type CallEnv } from './harness/call.js';

const run = promisify(execFile);

const unavailable = await janusUnavailableReason();
if (unavailable && process.env.CI) throw new Error(`the client-recording e2e suite cannot run: ${unavailable}`);
if (unavailable) console.warn(`[client-recording e2e] skipped: ${unavailable}`);

const HOLD_MS = 10_000;

let env: CallEnv;
let admin: AdminApi;
let agent: Side;
let visitor: Side | undefined;
let dir: string;

interface Rec {
  id: string;
  kind: string;
  party: string | null;
  size: number;
  sha256: string;
  mime: string;
  durationMs: number | null;
}

/** What the REC indicator of the agent's call panel says (data attributes). */
async function recIndicator(): Promise<{
  state: string; uploaded: number; pending: number; dropped: number; latency: number; mean: number; bytes: number; fps: number; drawMs: number;
}> {
  return agent.page.getByTestId('call-rec').evaluate((n: HTMLElement) => ({
    state: n.dataset.state ?? '',
    uploaded: Number(n.dataset.uploaded),
    pending: Number(n.dataset.pending),
    dropped: Number(n.dataset.dropped),
    latency: Number(n.dataset.latencyMs || -1),
    mean: Number(n.dataset.meanLatencyMs || -1),
    bytes: Number(n.dataset.bytes),
    fps: Number(n.dataset.fps || -1),
    drawMs: Number(n.dataset.drawMs || -1),
  }));
}

/** CPU seconds used so far by every Chromium process (utime + stime; heavy suites run one at a time). */
async function chromiumCpuSeconds(): Promise<number> {
  const { stdout } = await run('pgrep', ['-f', 'chromium']).catch(() => ({ stdout: '' }));
  let ticks = 0;
  for (const pid of stdout.split('\n').filter(Boolean)) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / 100;
}

/** Mean luma of a crop of the frame at `at` seconds (16 ≈ black). */
async function lumaAt(file: string, at: number, crop: string): Promise<number> {
  const { stderr } = await run('ffmpeg', [
    '-hide_banner', '-ss', String(at), '-i', file, '-frames:v', '1',
    '-vf', `crop=${crop},signalstats,metadata=print:key=lavfi.signalstats.YAVG`, '-f', 'null', '-',
  ]);
  const m = /lavfi\.signalstats\.YAVG=([\d.]+)/.exec(stderr);
  return m ? Number(m[1]) : -1;
}

describe.skipIf(unavailable)('client-side recording in the browser', () => {
  beforeAll(async () => {
    env = await startCallEnv();
    admin = await adminApi(env.server.url);
    dir = await mkdtemp(join(tmpdir(), 'vv-client-rec-'));
    // Every conversation goes to the General group, which records (mode on) and lets the visitor keep a copy.
    const { groups } = await admin.call<{ groups: { id: string; name: string }[] }>('GET', '/api/admin/skill-groups');
    const general = groups.find((g) => g.name.startsWith('General'))!;
    await admin.call('PUT', `/api/admin/skill-groups/${general.id}/recording-policy`, {
      mode: 'on', dual: false, script: [], visitorLocal: true,
    });
    const { config } = await admin.call<{ config: { policy: object } }>('GET', '/api/admin/routing-config');
    await admin.call('PUT', '/api/admin/routing-config', {
      ...config,
      policy: { ...config.policy, chain: [{ kind: 'skill-rules', rules: [], defaultGroupId: general.id }, { kind: 'least-loaded' }] },
    });
    agent = await loginAgent(env.browser, env.server.url, { email: AGENT1, prepare: trackPeerConnections });
  });

  afterAll(async () => {
    await closeSide(visitor);
    await closeSide(agent);
    await env?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the agent browser records the call, uploads it during the call, and the server keeps one playable recording; the visitor replays a local copy', async () => {
    visitor = await openWidget(env.browser, env.server.url, PHONE, trackPeerConnections);
    const v = visitor.scope;
    const a = agent.page;
    await startConversation(visitor, agent, 'Please record this call');
    await waitFor('the call buttons', () => v.getByTestId('call-start-video').isVisible(), Boolean);

    await v.getByTestId('call-start-video').click();
    const card = a.locator('[data-testid=call-incoming]');
    await card.waitFor();
    await card.getByTestId('call-accept').click();
    await a.getByTestId('call-panel').waitFor();
    const joinedAt = Date.now();
    await v.getByTestId('call-screen').waitFor();

    // The REC indicator shows while the call runs, and slices reach the server during the call.
    await a.getByTestId('call-rec').waitFor({ timeout: 10_000 });
    await waitFor('a first slice uploaded during the call', recIndicator, (s) => s.uploaded >= 1, 15_000);
    const callId = await a.evaluate(async () => {
      const r = await fetch('/api/agent/conversations');
      const body = (await r.json()) as { conversations: { id: string }[] };
      const id = body.conversations[0]!.id;
      const ev = await (await fetch(`/api/conversations/${id}/events`)).json() as { events: { event: { type: string; callId?: string } }[] };
      return ev.events.find((e) => e.event.type === 'call.ringing')!.event.callId!;
    });
    // Before hang-up the catalog has no client recording yet (the upload is not finished).
    const before = await a.request.get(`${env.server.url}/api/calls/${callId}/recordings`);
    expect(((await before.json()) as { recordings: Rec[] }).recordings.filter((r) => r.kind === 'client')).toEqual([]);

    const remaining = HOLD_MS - (Date.now() - joinedAt);
    const cpu0 = await chromiumCpuSeconds();
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    const browserCpu = remaining > 0 ? (await chromiumCpuSeconds() - cpu0) / (remaining / 1000) : NaN;
    const during = await recIndicator();
    expect(during.state).toBe('recording');
    expect(during.uploaded).toBeGreaterThanOrEqual(2);
    expect(during.dropped).toBe(0);
    expect(await a.getByTestId('call-rec-status').textContent()).toMatch(/^\d+ uploaded · \d+ pending/);
    if (process.env.VV_SHOTS) await a.screenshot({ path: join(process.env.VV_SHOTS, 'client-recording-agent.png') });
    await a.getByTestId('call-hangup').click();
    const heldMs = Date.now() - joinedAt;
    await a.getByTestId('call-panel').waitFor({ state: 'detached' });

    // The last slice goes up and the browser finishes the upload: one client recording.
    const rec = await waitFor(
      'the client recording in the catalog',
      async () => {
        const r = await a.request.get(`${env.server.url}/api/calls/${callId}/recordings`);
        return ((await r.json()) as { recordings: Rec[] }).recordings.filter((x) => x.kind === 'client');
      },
      (list) => list.length === 1,
      30_000,
    ).then((l) => l[0]!);
    expect(rec).toMatchObject({ kind: 'client', party: 'agent' });
    expect(rec.mime).toMatch(/^video\/webm/);
    const { url } = (await (await a.request.post(`${env.server.url}/api/recordings/${rec.id}/url`, { data: { mode: 'download' } })).json()) as { url: string };
    const media = await a.request.get(new URL(url, env.server.url).href);
    expect(media.status()).toBe(200);
    const bytes = await media.body();
    expect(bytes.length).toBe(rec.size);
    const file = join(dir, `${rec.id}.webm`);
    await writeFile(file, bytes);

    const probe = JSON.parse(
      (await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file])).stdout,
    ) as { streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
    const video = probe.streams.find((s) => s.codec_type === 'video');
    const audio = probe.streams.find((s) => s.codec_type === 'audio');
    expect(video).toMatchObject({ codec_name: 'vp8', width: 1280, height: 480 });
    expect(audio).toMatchObject({ codec_name: 'opus' });
    // MediaRecorder writes no duration in the header: the packets' times give the length.
    const span = async (stream: string) => {
      const pts = (await run('ffprobe', ['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file])).stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map(Number)
        .filter((n) => Number.isFinite(n));
      return { first: Math.min(...pts), last: Math.max(...pts), packets: pts.length };
    };
    const vspan = await span('v:0');
    const aspan = await span('a:0');
    console.log(`[client-recording] video ${JSON.stringify(vspan)} audio ${JSON.stringify(aspan)}`);
    if (process.env.VV_SHOTS) await copyFile(file, join(process.env.VV_SHOTS, 'client-recording.webm'));
    const seconds = Math.max(vspan.last, aspan.last);
    console.log(
      `[client-recording] held ${(heldMs / 1000).toFixed(1)} s, recording ${seconds.toFixed(1)} s (catalog ${rec.durationMs} ms), ` +
        `${rec.size} bytes (${((rec.size / seconds) * 60 / 1048576).toFixed(2)} MiB/min), ${during.uploaded} slices uploaded and ${during.pending} pending before hang-up, ` +
        `upload latency last ${during.latency} ms mean ${during.mean} ms, composite ${during.fps} frames/s at ${during.drawMs} ms of main thread each, ` +
        `whole browser (both pages, both recorders) ${(browserCpu * 100).toFixed(0)}% of a core while held`,
    );
    expect(heldMs).toBeLessThan(12_500);
    expect(Math.abs(seconds - 10)).toBeLessThanOrEqual(2);
    expect(Math.abs(seconds * 1000 - heldMs)).toBeLessThanOrEqual(2000);
    // Picture on both sides of the composite (the fake cameras are not black), and sound in the mix.
    const mid = Math.min(5, seconds / 2);
    expect(await lumaAt(file, mid, '640:480:0:0')).toBeGreaterThan(25);
    expect(await lumaAt(file, mid, '640:480:640:0')).toBeGreaterThan(25);
    const { stderr: vol } = await run('ffmpeg', ['-hide_banner', '-i', file, '-vn', '-af', 'volumedetect', '-f', 'null', '-']);
    const maxVolume = Number(/max_volume: (-?[\d.]+) dB/.exec(vol)?.[1] ?? -200);
    expect(maxVolume).toBeGreaterThan(-50);

    // The visitor's own copy, kept in the page: Replay plays it, Save offers the same blob as a file.
    const local = v.getByTestId('local-recording');
    await local.waitFor();
    expect(Number(await local.getAttribute('data-bytes'))).toBeGreaterThan(10_000);
    if (process.env.VV_SHOTS) await visitor.page.screenshot({ path: join(process.env.VV_SHOTS, 'client-recording-visitor.png') });
    await v.getByTestId('local-recording-replay').click();
    await v.getByTestId('local-recording-player').waitFor();
    await waitFor(
      'the replay to play',
      () => v.getByTestId('local-recording-video').evaluate((n: HTMLVideoElement) => n.currentTime),
      (t) => t > 0.5,
      15_000,
    );
    const save = v.getByTestId('local-recording-save');
    expect(await save.getAttribute('href')).toMatch(/^blob:/);
    expect(await save.getAttribute('download')).toMatch(/^call-.*\.webm$/);
    await v.getByTestId('local-recording-close').click();
    await v.getByTestId('local-recording-player').waitFor({ state: 'hidden' });
    expect(agent.errors).toEqual([]);
    expect(visitor.errors).toEqual([]);
  });
});
