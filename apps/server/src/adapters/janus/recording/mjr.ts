import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RecordedParty } from '../../../ports/media-server.js';
import { runTool, type RunLimits } from '../../../recording/index.js';

/**
 * Janus recordings (.mjr): one file per stream, a JSON header then RTP packets. This module names,
 * groups, reads headers and converts them with janus-pp-rec; it does no media work of its own.
 */

export type Party = RecordedParty;
export const PARTIES: readonly Party[] = ['agent', 'visitor'];

/** One publishing session of a party: its audio and video recordings (either may be absent). */
export interface MjrSegment {
  /** The `<n>` of the file name; a party publishing again (network change) gets the next n. */
  n: number;
  audio?: string;
  video?: string;
}

export interface DiscoveredMjr {
  parties: Partial<Record<Party, MjrSegment[]>>;
  /** .mjr files that matched no party/stream, or were a duplicate of one already taken. */
  ignored: string[];
}

/**
 * `<party>-<n>-<audio|video>.mjr` as configured; Janus 1.x VideoRoom appends the m-line index to
 * the base name it is given (`<base>-<audio|video>-<mindex>.mjr`, format "%s-%s-%d" in the
 * plugin), older versions nothing, so any trailing `-<digits>` groups are accepted. `.mjr.tmp`
 * (still being written) and `-data` recordings do not match.
 */
const MJR_NAME = /^(agent|visitor)-(\d+)-(audio|video)((?:-\d+)*)\.mjr$/;

/** Pure: groups file names (no directories) into parties and segments, sorted by n. */
export function groupMjrFiles(names: string[]): DiscoveredMjr {
  const parties: Partial<Record<Party, MjrSegment[]>> = {};
  const ignored: string[] = [];
  // Sorting first makes the pick among duplicates (two video m-lines) stable: the lowest mindex.
  const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const name of sorted) {
    const m = MJR_NAME.exec(name);
    if (!m) {
      if (name.endsWith('.mjr')) ignored.push(name);
      continue;
    }
    const party = m[1] as Party;
    const n = Number(m[2]);
    const kind = m[3] as 'audio' | 'video';
    const list = (parties[party] ??= []);
    let seg = list.find((s) => s.n === n);
    if (!seg) list.push((seg = { n }));
    if (seg[kind]) ignored.push(name);
    else seg[kind] = name;
  }
  for (const list of Object.values(parties)) list.sort((a, b) => a.n - b.n);
  return { parties, ignored };
}

/** The .mjr files of a call's directory grouped by party and segment (paths joined with dir). */
export async function discoverMjrFiles(dir: string): Promise<DiscoveredMjr> {
  const found = groupMjrFiles(await readdir(dir));
  for (const list of Object.values(found.parties)) {
    for (const seg of list) {
      if (seg.audio) seg.audio = path.join(dir, seg.audio);
      if (seg.video) seg.video = path.join(dir, seg.video);
    }
  }
  return found;
}

export interface MjrHeader {
  kind: 'audio' | 'video' | 'data';
  codec: string;
  /** When the recorder was created (Janus real time, µs since the epoch). */
  createdUs: number;
  /** When the first packet was written: time 0 of the converted file. */
  firstPacketUs: number;
}

const HeaderJson = z.object({
  t: z.enum(['a', 'v', 'd']),
  c: z.string().min(1),
  s: z.number(),
  u: z.number(),
});

/**
 * Pure: parses `janus-pp-rec --json` output (`{"t":"a","c":"opus","s":…,"u":…}` on one line).
 * Null when there is no header: Janus writes it with the first packet, so a stream that never
 * received media leaves an 8-byte file, for which the tool prints nothing and exits 0.
 */
export function parseMjrHeader(output: string): MjrHeader | null {
  const line = output.split('\n').find((l) => l.trimStart().startsWith('{'));
  if (!line) return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const h = HeaderJson.safeParse(json);
  if (!h.success) return null;
  const kind = h.data.t === 'a' ? 'audio' : h.data.t === 'v' ? 'video' : 'data';
  return { kind, codec: h.data.c.toLowerCase(), createdUs: h.data.s, firstPacketUs: h.data.u };
}

export async function readMjrHeader(file: string, ppRec: string, limits: RunLimits): Promise<MjrHeader | null> {
  return parseMjrHeader(await runTool(ppRec, ['--json', file], limits, true));
}

/**
 * Pure: the container janus-pp-rec writes for a codec (it picks the format from the target's
 * extension: `janus-pp-rec -F`). Null for codecs post-processing does not handle.
 */
export function targetExtension(codec: string): string | null {
  switch (codec) {
    case 'opus':
    case 'multiopus':
      return 'opus';
    case 'vp8':
    case 'vp9':
      return 'webm';
    case 'h264':
    case 'h265':
      return 'mkv';
    case 'av1':
      return 'mp4';
    case 'pcmu':
    case 'pcma':
    case 'g711':
    case 'g722':
    case 'l16':
      return 'wav';
    default:
      return null;
  }
}

/** Converts one recording to a playable file `<outDir>/<stem>.<ext>`, without transcoding. */
export async function convertMjr(
  file: string,
  header: MjrHeader,
  outDir: string,
  stem: string,
  ppRec: string,
  limits: RunLimits,
): Promise<string> {
  const ext = targetExtension(header.codec);
  if (!ext) throw new Error(`unsupported codec ${header.codec}`);
  const out = path.join(outDir, `${stem}.${ext}`);
  await runTool(ppRec, [file, out], limits);
  return out;
}
