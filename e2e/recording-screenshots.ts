// Screenshots (and a browser check) of the recordings screens: recording playback with the synced
// timeline, and the admin's recording policy. The server runs in this process so a synthetic
// call can be catalogued through RecordingService.register(): a 45 s WebM and an HD snapshot
// made with ffmpeg, the call's timeline events and script marks written as the call code would.
// Run: npx tsx e2e/recording-screenshots.ts [outDir]   (default docs/screenshots; needs ffmpeg
// and Debian's chromium, and the built workspace: npm run build -w apps/workspace).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ConversationSummary, TimelineEvent } from '@visavis/protocol';
import { EventStore } from '../apps/server/src/conversations/event-store.js';
import {
  agentConnection,
  agentLogin,
  startTestServer,
  visitorConnection,
  visitorSession,
  waitFor,
  type TestServer,
} from '../apps/server/test/support.js';
import { launchBrowser } from './harness/browser.js';
import { AGENT1, DEMO_PASSWORD, openConversation } from './harness/chat.js';
import { ADMIN, signIn } from './harness/routing.js';
import { REPO_ROOT } from './harness/server.js';

const OUT = process.argv[2] ?? join(REPO_ROOT, 'docs/screenshots');
const MEDIA_DIR = join(tmpdir(), 'visavis-recording-shots');
const CLIP_SECONDS = 45;

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed`);
}

/** The test clip and the snapshot, made once and kept in the temp directory. */
async function media(): Promise<{ clip: string; still: string }> {
  await mkdir(MEDIA_DIR, { recursive: true });
  const clip = join(MEDIA_DIR, 'call.webm');
  const still = join(MEDIA_DIR, 'snapshot.jpg');
  if (!existsSync(clip)) {
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x360:rate=30',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440',
      '-t',
      String(CLIP_SECONDS),
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-b:v',
      '600k',
      '-c:a',
      'libopus',
      clip,
    ]);
  }
  if (!existsSync(still))
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080', '-frames:v', '1', '-q:v', '3', still]);
  return { clip, still };
}

async function api(
  t: TestServer,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** A conversation of agent1 with one recorded, dual-recording video call ten minutes ago. */
async function recordedConversation(t: TestServer, files: { clip: string; still: string }) {
  const admin = await agentLogin(t, ADMIN, DEMO_PASSWORD);
  const agentCookie = await agentLogin(t, AGENT1, DEMO_PASSWORD);
  const { groups } = (await api(t, admin, 'GET', '/api/admin/recording-policies')) as {
    groups: { id: string; name: string }[];
  };
  const group = groups.find((g) => g.name.startsWith('Wealth')) ?? groups[0]!;
  await api(t, admin, 'PUT', `/api/admin/skill-groups/${group.id}/recording-policy`, {
    mode: 'mandatory',
    dual: true,
    script: [
      'Confirm the customer’s identity (name and ID number)',
      'Read the risk disclosure of the product',
      'Confirm the customer understood the terms and fees',
      'Ask for explicit consent to proceed',
    ],
    visitorLocal: false,
  });
  await api(t, admin, 'PUT', `/api/admin/skill-groups/${group.id}/recording-retention`, { days: 1825 });

  const agent = agentConnection(t, agentCookie);
  await agent.conn.request({ type: 'presence.set', presence: 'online' });
  const s = await visitorSession(t);
  const visitor = visitorConnection(t, s.visitorToken);
  const { conversation } = await visitor.conn.request<{ conversation: ConversationSummary }>({
    type: 'conversation.start',
  });
  await waitFor(
    () => agent.pushes.find((m) => m.type === 'inbox.updated' && m.conversation.status === 'assigned'),
    'assignment',
  );
  visitor.conn.close();
  agent.conn.close();

  const db = t.server.db;
  const [row] = await db.query<{ org_id: string; agent_id: string }>(
    'select org_id, agent_id from conversations where id = $1',
    [conversation.id],
  );
  const orgId = row!.org_id;
  await db.query('update conversations set group_id = $2 where id = $1', [conversation.id, group.id]);
  await db
    .query(`update visitors set name = 'Zhang Min' where id = $1`, [s.visitorId])
    .catch(() => undefined);

  const base = Date.now() - 10 * 60_000;
  const at = (s: number) => new Date(base + s * 1000);
  await db.query('update conversation_events set created_at = $2 where conversation_id = $1', [
    conversation.id,
    at(-30).toISOString(),
  ]);
  const append = (s: number, event: TimelineEvent) =>
    db.transaction(async (tx) => {
      await tx.query('select id from conversations where id = $1 for update', [conversation.id]);
      return EventStore.append(tx, { orgId, conversationId: conversation.id, now: at(s) }, event);
    });
  const msg = (s: number, who: 'visitor' | 'agent', text: string) =>
    append(s, {
      type: 'message',
      author:
        who === 'agent' ? { kind: 'agent', id: row!.agent_id, name: 'Li Na 李娜' } : { kind: 'visitor' },
      text,
      clientMsgId: `shot-${s}`,
    } as TimelineEvent);

  const callId = randomUUID();
  await db.query(
    `insert into calls (id, org_id, conversation_id, media, profile, status, started_by, agent_id, ring_expires_at, created_at, answered_at, ended_at, ended_by, end_reason)
     values ($1, $2, $3, 'video', '720p', 'ended', 'agent', $4, $5, $5, $6, $7, 'agent', 'hangup')`,
    [
      callId,
      orgId,
      conversation.id,
      row!.agent_id,
      at(30).toISOString(),
      at(36).toISOString(),
      at(84).toISOString(),
    ],
  );
  await msg(0, 'visitor', 'Hello, I would like to buy the Steady Income fund.');
  await msg(14, 'agent', 'Of course. This product needs a recorded video session: I will call you now.');
  await append(30, {
    type: 'call.ringing',
    callId,
    media: 'video',
    by: 'agent',
    profile: '720p',
    recording: { mode: 'mandatory', dual: true },
  } as TimelineEvent);
  await append(36, { type: 'call.answered', callId, by: 'visitor' });
  await append(37, { type: 'call.recording', callId, state: 'running' } as TimelineEvent);
  await msg(44, 'agent', 'Please hold your ID card next to your face.');
  await msg(55, 'visitor', 'Like this?');
  await msg(71, 'agent', 'Perfect, thank you. You can read the fund terms here: https://bank.example/terms');
  await append(84, { type: 'call.ended', callId, by: 'agent', reason: 'hangup', durationMs: 48_000 });
  await msg(95, 'visitor', 'Thanks for your help!');

  const started = at(37);
  const reg = t.server.compliance.recordings;
  const composite = await reg.register(
    { callId, kind: 'composite', mime: 'video/webm', startedAt: started, durationMs: CLIP_SECONDS * 1000 },
    createReadStream(files.clip),
  );
  await reg.register(
    {
      callId,
      kind: 'participant',
      party: 'agent',
      mime: 'video/webm',
      startedAt: started,
      durationMs: CLIP_SECONDS * 1000,
    },
    createReadStream(files.clip),
  );
  const gone = await reg.register(
    {
      callId,
      kind: 'participant',
      party: 'visitor',
      mime: 'video/webm',
      startedAt: started,
      durationMs: CLIP_SECONDS * 1000,
    },
    createReadStream(files.clip),
  );
  await reg.register(
    {
      callId,
      kind: 'client',
      party: 'agent',
      mime: 'video/webm;codecs=vp8,opus',
      startedAt: started,
      durationMs: CLIP_SECONDS * 1000,
    },
    createReadStream(files.clip),
  );
  const snap = await reg.register(
    { callId, kind: 'snapshot', party: 'visitor', mime: 'image/jpeg', startedAt: at(56) },
    createReadStream(files.still),
  );
  await append(56, {
    type: 'call.snapshot',
    callId,
    recordingId: snap.id,
    width: 1920,
    height: 1080,
  } as TimelineEvent);
  // One file already removed by retention, to show how a deleted recording is listed.
  await db.query(`update recordings set retention_until = now() - interval '1 day' where id = $1`, [gone.id]);
  await api(t, admin, 'POST', '/api/admin/retention/run');

  for (const [atMs, label] of [
    [4_000, 'Step 1 · identity confirmed'],
    [16_000, 'Step 2 · risk disclosure read'],
    [27_000, 'Step 3 · terms and fees confirmed'],
    [38_000, 'Step 4 · consent given'],
  ] as const) {
    // Written as history: the API takes marks only during the live recording, and this call ended.
    await db.query('insert into call_marks (id, org_id, call_id, at_ms, label, created_by) values ($1, $2, $3, $4, $5, $6)', [
      randomUUID(), orgId, callId, atMs, label, row!.agent_id,
    ]);
  }
  return { conversationId: conversation.id, callId, composite, groupId: group.id };
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate(() =>
    document.fonts.ready.then(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    ),
  );
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  console.log(path);
}

function check(ok: unknown, what: string): void {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const files = await media();
  const t = await startTestServer({ DEMO_PASSWORD });
  const browser = await launchBrowser();
  try {
    const fx = await recordedConversation(t, files);
    const audits = async (action: string) =>
      (
        await t.server.db.query<{ n: number }>('select count(*)::int as n from audit_log where action = $1', [
          action,
        ])
      )[0]!.n;

    // The agent opens the conversation, then its recordings.
    const agent = await signIn(browser, t.url, AGENT1, { viewport: { width: 1440, height: 900 } });
    const page = agent.page;
    await openConversation(page, fx.conversationId);
    await page.getByTestId('recordings-open').click();
    await page.locator('[data-testid=recording-item]').nth(4).waitFor();
    const kinds = await page
      .locator('[data-testid=recording-item]')
      .evaluateAll((els) =>
        els.map(
          (e) =>
            `${e.getAttribute('data-kind')}/${e.getAttribute('data-party') ?? ''}${e.hasAttribute('data-deleted') ? '/deleted' : ''}`,
        ),
      );
    check(
      kinds.join(',') ===
        'composite/,participant/agent,participant/visitor/deleted,client/agent,snapshot/visitor',
      `list ${kinds.join(',')}`,
    );
    await shoot(page, 'recording-list');

    // Play the composite: the signed link, range requests, the timeline following the video.
    const plays = await audits('recording.play');
    // The whole row opens the player (as e2e/recording.spec.ts does).
    await page.locator('[data-testid=recording-item][data-kind=composite]').first().click();
    const video = page.getByTestId('recording-player');
    await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise((r) =>
          v.readyState >= 1 ? r(null) : v.addEventListener('loadedmetadata', r, { once: true }),
        ),
    );
    const items = page.getByTestId('recording-timeline-item');
    check((await items.count()) >= 12, 'timeline has messages, call events and marks');
    check(
      (await page.locator('[data-testid=recording-timeline-item][data-outside=before]').count()) >= 4,
      'items before the recording are dimmed',
    );
    // Click the second script mark: the video seeks there and that line becomes current.
    await page.locator('[data-testid=recording-timeline-item][data-kind=mark]').nth(1).click();
    await waitFor(
      async () => (await video.evaluate((v: HTMLVideoElement) => v.currentTime)) >= 15.9,
      'seek to the mark',
    );
    const current = page.locator('[data-testid=recording-timeline-item][data-current=true]');
    check(
      (await current.getAttribute('data-kind')) === 'mark',
      'clicking a mark seeks there and makes it the current line',
    );
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await page.waitForTimeout(2500);
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    const pos = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    check(pos > 17 && pos < 27, `video played on from the mark (${pos.toFixed(1)} s)`);
    // The highlight followed playback: the current line is the last one at or before the position.
    const placed = await items.evaluateAll((els) =>
      els.map((e) => ({
        at: Number(e.getAttribute('data-at-ms')),
        current: e.getAttribute('data-current') === 'true',
        outside: e.hasAttribute('data-outside'),
      })),
    );
    const expected = placed.reduce((best, it, i) => (!it.outside && it.at <= pos * 1000 ? i : best), -1);
    check(
      placed.findIndex((it) => it.current) === expected && expected >= 0,
      `current line follows playback (item ${expected})`,
    );
    check((await audits('recording.play')) > plays, 'playback was audited');
    const ranges = await t.server.db.query<{ range: string | null }>(
      `select details->>'range' as range from audit_log where action = 'recording.play' order by seq`,
    );
    check(
      ranges.some((r) => r.range?.startsWith('bytes=')),
      'the player fetched byte ranges',
    );
    await shoot(page, 'recording-playback');

    // Fifteen minutes later the link has expired: a seek fetches a new one and lands where asked.
    const oldSrc = await video.evaluate((v: HTMLVideoElement) => v.currentSrc);
    const urls = await audits('recording.play');
    await page.evaluate(() => {
      const real = Date.now;
      Date.now = () => real() + 16 * 60_000;
    });
    await page.locator('[data-testid=recording-timeline-item][data-kind=mark]').nth(2).click();
    await waitFor(async () => {
      const [src, at] = await video.evaluate((v: HTMLVideoElement) => [v.currentSrc, v.currentTime] as const);
      return src !== oldSrc && at >= 26.9 && at < 28;
    }, 'a renewed link at the seek position');
    check(
      (await audits('recording.play')) > urls,
      'an expired link is renewed on seek and keeps the position',
    );

    // Download gets its own signed link (and its own audit entry).
    const downloads = await audits('recording.download');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('recording-download').click(),
    ]);
    await download.path();
    check((await audits('recording.download')) > downloads, 'download was audited');

    // The snapshot shows as an image.
    await page.getByTestId('recordings-back').click();
    await page
      .locator('[data-testid=recording-item][data-kind=snapshot] [data-testid=recording-play]')
      .click();
    await page.waitForFunction(
      () =>
        (document.querySelector<HTMLImageElement>('[data-testid=recording-image]')?.naturalWidth ?? 0) > 0,
    );
    check(true, 'snapshot image loaded');
    await shoot(page, 'recording-snapshot');
    check(agent.errors.length === 0, `no page errors ${agent.errors.join('\n')}`);
    await agent.context.close();

    // The admin's recording policy of the group.
    const admin = await signIn(browser, t.url, ADMIN, { viewport: { width: 1440, height: 900 } });
    await admin.page.getByTestId('nav-admin').click();
    await admin.page.getByTestId('admin-tab-recording').click();
    await admin.page.locator(`[data-testid=recording-group][data-group-id="${fx.groupId}"]`).click();
    await admin.page.getByTestId('recording-step').nth(3).waitFor();
    check(await admin.page.getByTestId('recording-dual').isChecked(), 'dual recording switch is on');
    await shoot(admin.page, 'admin-recording');
    // Same screen in Traditional Chinese, to check the strings fit.
    await admin.page.evaluate(() => localStorage.setItem('vv.workspace.lang', 'zh-TW'));
    await admin.page.reload();
    await admin.page.getByTestId('nav-admin').click();
    await admin.page.getByTestId('admin-tab-recording').click();
    await admin.page.locator(`[data-testid=recording-group][data-group-id="${fx.groupId}"]`).click();
    await admin.page.getByTestId('recording-step').nth(3).waitFor();
    await shoot(admin.page, 'admin-recording-zh-TW');
    check(admin.errors.length === 0, `no page errors ${admin.errors.join('\n')}`);
    await admin.context.close();
  } finally {
    await browser.close();
    await t.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
