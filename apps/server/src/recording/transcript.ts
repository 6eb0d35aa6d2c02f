import type { SqlExecutor } from '../ports/database.js';
import { EventStore } from '../conversations/index.js';

export interface TranscriptEvent {
  seq: number;
  at: string;
  type: string;
  /** The stored timeline event, as the conversation's readers received it. */
  event: Record<string, unknown>;
}

/** Events per read while loading a transcript: bounds one answer, not the transcript. */
const PAGE = 1000;

/** Every event of the conversation in seq order (read through conversations' EventStore): the machine-readable transcript. */
export async function loadTranscript(db: SqlExecutor, conversationId: string): Promise<TranscriptEvent[]> {
  const out: TranscriptEvent[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await EventStore.after(db, conversationId, afterSeq, PAGE);
    for (const e of page) out.push({ seq: Number(e.seq), at: new Date(e.at).toISOString(), type: e.event.type, event: e.event as unknown as Record<string, unknown> });
    if (page.length < PAGE) return out;
    afterSeq = Number(page[page.length - 1]!.seq);
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

/** Flattens line breaks so each event stays on its own line(s) and cannot forge another event's prefix. */
const oneLine = (s: string) => s.replace(/\r\n?|\n/g, '\n    ');

function describe(e: TranscriptEvent, names: { visitor: string; agent: string }): string {
  const ev = e.event;
  switch (e.type) {
    case 'message': {
      const author = (ev.author ?? {}) as { kind?: string; name?: string | null };
      // The header's visitor name (visitorDisplayName) stands in when they gave none when writing.
      const who = author.kind === 'visitor' ? `Visitor (${author.name?.trim() || names.visitor})` : author.kind === 'agent' ? `Agent (${author.name ?? names.agent})` : 'System';
      const att = ev.attachment as { name?: string; mime?: string; size?: number } | null | undefined;
      const file = att ? ` [attachment: ${att.name} (${att.mime}, ${att.size} bytes)]` : '';
      return `${who}: ${oneLine(str(ev.text))}${file}`;
    }
    case 'receipt':
      return `(${str(ev.by)} ${str(ev.state)} up to #${str(ev.upToSeq)})`;
    case 'conversation.assigned':
      return `-- assigned to ${str((ev.agent as { name?: string } | undefined)?.name)} (${oneLine(str(ev.reason))})`;
    case 'conversation.transferred':
      return `-- transferred to ${str((ev.to as { name?: string } | undefined)?.name)}${ev.note ? `: ${oneLine(str(ev.note))}` : ''}`;
    case 'conversation.closed':
      return `-- closed by ${str(ev.by)}`;
    case 'call.ringing':
      return `-- ${str(ev.media)} call ${str(ev.callId)} started by ${str(ev.by)}`;
    case 'call.answered':
      return `-- call ${str(ev.callId)} answered by ${str(ev.by)}`;
    case 'call.ended':
      return `-- call ${str(ev.callId)} ended by ${str(ev.by)} (${str(ev.reason)}, ${str(ev.durationMs)} ms)`;
    case 'csat.submitted':
      return `-- rated ${str(ev.score)}/5${ev.comment ? `: ${oneLine(str(ev.comment))}` : ''}`;
    default:
      return `-- ${e.type.replace(/^conversation\./, '')}${ev.reason ? ` (${oneLine(str(ev.reason))})` : ''}`;
  }
}

/** The human-readable transcript: one line per event (receipts left out), UTC times. */
export function transcriptText(
  header: { conversationId: string; callId: string; visitor: string; agent: string },
  events: TranscriptEvent[],
): string {
  const lines = [
    `Visavis transcript`,
    `conversation ${header.conversationId}, call ${header.callId}`,
    `visitor: ${header.visitor}; agent: ${header.agent}; times in UTC`,
    '',
  ];
  for (const e of events) {
    if (e.type === 'receipt') continue;
    lines.push(`${e.at}  #${e.seq}  ${describe(e, header)}`);
  }
  return lines.join('\n') + '\n';
}
