// The call flow the video benchmarks drive, as the product runs it: an agent logged in and online,
// a visitor whose conversation the server assigned to that agent, the visitor taps "video"
// (call.start), the agent's page answers (call.accept), both pages join with the SDK's CallSession
// and show each other's video. All timing is done in the pages (one browser, one clock).
import { sleep, withTimeout } from '../lib/report.js';
import { vv, type CameraOptions, type Party, type VideoEnv } from './env.js';
import type { CallTimes } from './page/entry.js';

export type Profile = '360p' | '720p' | '1080p';

export interface Pair {
  visitor: Party;
  agent: Party;
  conversationId: string;
}

/** Polls `read` every `every` ms until `ok`; throws after `ms` with the last value seen. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
  signal: AbortSignal,
  every = 20,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    if (signal.aborted) throw new Error(`interrupted: ${what}`);
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms / 1000} s: ${what}; last: ${JSON.stringify(last)}`);
    await sleep(every, signal);
  }
}

/** An agent page, logged in and online. */
export async function agentParty(
  env: VideoEnv,
  index: number,
  camera: CameraOptions,
  signal: AbortSignal,
): Promise<Party> {
  const agent = await env.party('agent', `agent ${index + 1}`, camera);
  const email = env.agentEmails[index]!;
  await withTimeout(
    agent.page.evaluate(([e, pw]) => window.VV.agent(e, pw), [email, env.agentPassword] as const),
    20_000,
    `agent ${email} login`,
    signal,
  );
  return agent;
}

/** A visitor page with a conversation that the server assigned to one of the online agents. */
export async function visitorParty(
  env: VideoEnv,
  index: number,
  agents: Party[],
  camera: CameraOptions,
  signal: AbortSignal,
): Promise<Pair> {
  const visitor = await env.party('visitor', `visitor ${index + 1}`, camera);
  const conversationId = await withTimeout(
    visitor.page.evaluate(([key, i]) => window.VV.visitor(key, i), [env.provisioned.siteKey, index] as const),
    20_000,
    `visitor ${index + 1} session and conversation`,
    signal,
  );
  // Assigned when an agent page follows the conversation (inbox.updated or the assigned event).
  const agent = await until(
    `conversation of visitor ${index + 1} assigned to an agent`,
    async () => {
      for (const a of agents) {
        const convs = await a.page.evaluate(() => window.VV.conversations());
        if (convs.includes(conversationId)) return a;
      }
      return null;
    },
    (a) => a !== null,
    20_000,
    signal,
    50,
  );
  return { visitor, agent: agent!, conversationId };
}

export interface CallResult {
  callId: string;
  visitor: CallTimes;
  agent: CallTimes;
}

/**
 * call.start from the visitor's page; resolves once both pages have shown a remote picture (a frame
 * larger than the 2x2 frames Chromium shows before the first decoded one).
 */
export async function startCall(
  pair: Pair,
  profile: Profile,
  timeoutMs: number,
  signal: AbortSignal,
  acknowledgeRecording = false,
): Promise<CallResult> {
  const callId = await withTimeout(
    pair.visitor.page.evaluate(([c, p, ack]) => window.VV.startCall(c, p, ack), [
      pair.conversationId,
      profile,
      acknowledgeRecording,
    ] as const),
    10_000,
    'call.start',
    signal,
  );
  const both = async () => ({
    visitor: await vv.times(pair.visitor, callId),
    agent: await vv.times(pair.agent, callId),
  });
  try {
    const t = await until(
      `call ${callId}: first remote picture on both pages`,
      both,
      (t) => t.visitor?.firstPicture !== undefined && t.agent?.firstPicture !== undefined,
      timeoutMs,
      signal,
      10,
    );
    return { callId, visitor: t.visitor!, agent: t.agent! };
  } catch (e) {
    const logs = [
      `visitor: ${(await vv.log(pair.visitor)).slice(-15).join('\n  ')}`,
      `agent: ${(await vv.log(pair.agent)).slice(-15).join('\n  ')}`,
    ];
    (e as Error).message += `\n  ${logs.join('\n  ')}`;
    throw e;
  }
}

/**
 * The visitor hangs up; resolves once both pages saw the call end. Not after Ctrl-C: the server may
 * be gone already, and the SDK keeps a request made while offline until it reconnects.
 */
export async function hangup(pair: Pair, callId: string, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await withTimeout(
    pair.visitor.page.evaluate((id) => window.VV.hangup(id), callId),
    10_000,
    `call ${callId}: hang-up`,
    signal,
  );
  await until(
    `call ${callId} ended on both pages`,
    async () => [(await vv.times(pair.visitor, callId))?.ended, (await vv.times(pair.agent, callId))?.ended],
    (e) => e.every((x) => x !== undefined),
    10_000,
    signal,
  );
}
