// video-setup: call set-up time, the visitor's call.start -> first remote frame on each side.
// How the video benchmarks are put together: bench/video.ts.
import type { BenchContext, BenchResult, Benchmark, Params } from './lib/bench.js';
import { fmtMs, Samples, section, sleep, table } from './lib/report.js';
import { vv } from './video/env.js';
import { hangup, startCall, until, type CallResult } from './video/flow.js';
import os from 'node:os';
import {
  CAMERA_PARAMS,
  cameraOf,
  cpuShares,
  cpuText,
  profileOf,
  printParams,
  readCpu,
  withEnv,
  pairUp,
} from './video/common.js';
import { recordingOf, setRecordingPolicy } from './video/recording-policy.js';
import { SetupBreakdown } from './video/setup-breakdown.js';

// ---------------------------------------------------------------- video-setup

const MILESTONES: { label: string; side: 'visitor' | 'agent'; key: keyof CallResult['visitor'] }[] = [
  { label: 'visitor: call.start acked', side: 'visitor', key: 'startAck' },
  { label: 'agent: call.ringing event', side: 'agent', key: 'ringing' },
  { label: 'agent: call.accept acked', side: 'agent', key: 'acceptAck' },
  { label: 'visitor: call.join', side: 'visitor', key: 'join' },
  { label: 'agent: call.join', side: 'agent', key: 'join' },
  { label: 'visitor: first PeerConnection connected', side: 'visitor', key: 'connected' },
  { label: 'agent: first PeerConnection connected', side: 'agent', key: 'connected' },
  { label: 'visitor: CallSession.start() done', side: 'visitor', key: 'started' },
  { label: 'agent: CallSession.start() done', side: 'agent', key: 'started' },
  { label: 'agent: remote track', side: 'agent', key: 'remote' },
  { label: 'visitor: remote track', side: 'visitor', key: 'remote' },
  { label: 'agent: first remote frame (any size)', side: 'agent', key: 'firstFrame' },
  { label: 'visitor: first remote frame (any size)', side: 'visitor', key: 'firstFrame' },
  { label: 'AGENT: first remote picture', side: 'agent', key: 'firstPicture' },
  { label: 'VISITOR: first remote picture', side: 'visitor', key: 'firstPicture' },
];

async function runSetup(p: Params, ctx: BenchContext): Promise<BenchResult> {
  printParams(videoSetupBenchmark, p);
  const profile = profileOf(p);
  const camera = cameraOf(p, false);
  const n = Math.max(1, Math.floor(p.num('calls')));
  const gap = p.num('gap');
  const timeout = p.num('call-timeout') * 1000;
  const recording = recordingOf(p.str('recording'));
  const ice = p.str('janus-ice');
  if (ice !== 'full' && ice !== 'aggressive' && ice !== 'lite') throw new Error(`--janus-ice: "${ice}" is not full, aggressive or lite`);
  return withEnv(ctx, 1, async (run) => {
    await setRecordingPolicy(run.env.server.url, run.env.agentEmails, recording);
    const [pair] = await pairUp(run, 1, camera, ctx.signal);
    const breakdown = new SetupBreakdown();
    const firstSizes = new Map<string, number>();
    const samples = new Map(MILESTONES.map((m) => [m.label, new Samples()]));
    const both = new Samples();
    const subscribeCount = new Samples();
    const firstFrameOnce = new Samples();
    const firstFrameTwice = new Samples();
    let refused = 0;
    let failed = 0;
    const t0 = Date.now();
    const cpu0 = await readCpu(run.env);
    for (let i = 0; i < n && !ctx.signal.aborted; i++) {
      let r: CallResult;
      try {
        r = await startCall(pair!, profile, timeout, ctx.signal, recording === 'dual');
      } catch (e) {
        failed++;
        run.problems.push(`call ${i + 1}: ${(e as Error).message.split('\n')[0]}`);
        if (failed >= 3) throw new Error('three calls failed: giving up');
        await sleep(2_000, ctx.signal);
        continue;
      }
      // CallSession.start() may resolve after the first frames: wait for it, then read the final times.
      const settled = await until(
        `call ${r.callId}: CallSession.start() done on both pages`,
        async () => [await vv.times(pair!.visitor, r.callId), await vv.times(pair!.agent, r.callId)] as const,
        ([v, a]) => v?.started !== undefined && a?.started !== undefined,
        5_000,
        ctx.signal,
      ).catch(() => null);
      if (settled) r = { ...r, visitor: settled[0]!, agent: settled[1]! };
      for (const t of [r.visitor, r.agent]) {
        subscribeCount.add(t.subscribes);
        refused += t.subscribesRefused;
        // A party that subscribed successfully twice got the call.feed push while its first
        // subscription was under way (the SDK then subscribes once more, one after the other).
        (t.subscribes - t.subscribesRefused > 1 ? firstFrameTwice : firstFrameOnce).add(
          t.firstPicture! - r.visitor.start!,
        );
        const size = t.firstFrameSize ?? '?';
        firstSizes.set(size, (firstSizes.get(size) ?? 0) + 1);
      }
      const zero = r.visitor.start!;
      for (const m of MILESTONES) {
        const v = r[m.side][m.key];
        if (typeof v === 'number') samples.get(m.label)!.add(v - zero);
      }
      both.add(Math.max(r.agent.firstPicture!, r.visitor.firstPicture!) - zero);
      breakdown.add(r.visitor, r.agent, zero);
      await hangup(pair!, r.callId, ctx.signal);
      await sleep(gap, ctx.signal);
    }
    const cpu = cpuShares(cpu0, await readCpu(run.env));
    const errors = { visitor: await vv.errorFrames(pair!.visitor), agent: await vv.errorFrames(pair!.agent) };

    console.log(
      section(
        `video-setup: ${n} calls one after another, recording ${recording}, ${((Date.now() - t0) / 1000).toFixed(1)} s; ms after the visitor's call.start`,
      ),
    );
    const rows = MILESTONES.map((m) => {
      const s = samples.get(m.label)!;
      return [m.label, s.count, fmtMs(s.percentile(50)), fmtMs(s.percentile(95)), fmtMs(s.max)];
    });
    rows.push([
      'BOTH sides showing video (a picture)',
      both.count,
      fmtMs(both.percentile(50)),
      fmtMs(both.percentile(95)),
      fmtMs(both.max),
    ]);
    console.log(table(['milestone', 'n', 'p50 ms', 'p95 ms', 'max ms'], rows));
    console.log(
      `\nCPU over the calls (% of one core): ${cpuText(cpu)}; load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `\nfailed calls: ${failed}; error frames seen by the pages: visitor ${JSON.stringify(errors.visitor)}, agent ${JSON.stringify(errors.agent)}` +
        `\ncall.subscribe requests per party and call: mean ${subscribeCount.mean.toFixed(2)}, max ${subscribeCount.max}; refused ${refused}` +
        `\nsize of the first remote frame shown: ${[...firstSizes].map(([k, v]) => `${k} ${v}`).join(', ')}` +
        `\nfirst remote picture (either side) when the party subscribed once: n ${firstFrameOnce.count}, p50 ${fmtMs(firstFrameOnce.percentile(50))} ms;` +
        ` when it subscribed twice (call.feed push during its first subscription): n ${firstFrameTwice.count}, p50 ${fmtMs(firstFrameTwice.percentile(50))} ms` +
        `\n(MEDIA_UNAVAILABLE: CallSession.start()'s early call.subscribe before the other side's PeerConnection is up, which the SDK` +
        ` ignores (it subscribes on the call.feed push that follows); CALL_NOT_RINGING: a trickle or stats report that reached the server` +
        ` after the hang-up)`,
    );
    console.log(section('video-setup: each step, both pages (bench/video/page/steps.ts)'));
    console.log(breakdown.stepsTable());
    console.log(`\n${breakdown.figuresTable()}`);
  }, ice);
}

export const videoSetupBenchmark: Benchmark = {
  name: 'video-setup',
  summary:
    "video call set-up time: visitor's call.start -> first decoded remote frame at the agent and at the visitor",
  params: [
    { name: 'calls', default: 20, help: 'calls, one after another (same visitor and agent)' },
    { name: 'gap', default: 500, help: 'ms between hanging up and the next call.start' },
    { name: 'call-timeout', default: 15, help: 'seconds for a call to show video on both sides' },
    { name: 'janus-ice', default: 'full', help: "Janus's ICE: full (as shipped), aggressive (nomination) or lite" },
    { name: 'recording', default: 'off', help: "the group's recording policy: off, on, or dual (mandatory, the visitor agrees first)" },
    ...CAMERA_PARAMS,
  ],
  run: runSetup,
};
