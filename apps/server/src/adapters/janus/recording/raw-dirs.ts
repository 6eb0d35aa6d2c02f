import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The raw recording directories Janus writes its .mjr files into: one per call, under a root every
 * media node sees at the same path (RECORDING_RAW_DIR). Recording needs to make one, measure how
 * much has been written to it (the monitor), and remove it once post-processed.
 */
export interface RecordingDirs {
  /** Creates the call's directory; rejects when it cannot be made or written (recording impossible). */
  prepare(callId: string): Promise<string>;
  /** Bytes written so far into the directory's media files; 0 when it holds none. */
  bytes(dir: string): Promise<number>;
  remove(dir: string): Promise<void>;
}

const CALL_ID = /^[0-9a-f-]{36}$/i;

export class FsRecordingDirs implements RecordingDirs {
  constructor(private readonly root: string) {}

  async prepare(callId: string): Promise<string> {
    // The id becomes a path component: only a UUID may.
    if (!CALL_ID.test(callId)) throw new Error(`not a call id: ${callId}`);
    const dir = path.join(this.root, callId);
    // 0700: raw media of a customer call is as sensitive as the stored recordings.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const probe = await stat(dir);
    if (!probe.isDirectory()) throw new Error(`${dir} is not a directory`);
    return dir;
  }

  async bytes(dir: string): Promise<number> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return 0;
    }
    let total = 0;
    for (const name of names) {
      // .mjr.tmp: Janus may write under a temporary extension until the recorder closes.
      if (!name.endsWith('.mjr') && !name.endsWith('.mjr.tmp')) continue;
      total += await stat(path.join(dir, name)).then((s) => s.size, () => 0);
    }
    return total;
  }

  async remove(dir: string): Promise<void> {
    if (!path.resolve(dir).startsWith(path.resolve(this.root) + path.sep)) throw new Error(`${dir} is outside ${this.root}`);
    await rm(dir, { recursive: true, force: true });
  }
}
