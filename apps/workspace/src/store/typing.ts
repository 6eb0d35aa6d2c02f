/**
 * Our own "agent is typing" signal, throttled: keystrokes call set(id, true) freely, the visitor
 * gets at most one `typing: true` per RESEND_MS, and `typing: false` after IDLE_MS without a
 * keystroke (or at once on send/blur). Each side's indicator expires by itself, so the periodic
 * resend is what keeps it alive during a long reply.
 */
export const RESEND_MS = 3000;
export const IDLE_MS = 4000;

interface Entry {
  on: boolean;
  at: number;
  idle?: ReturnType<typeof setTimeout>;
}

export class TypingSender {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly send: (conversationId: string, typing: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  set(conversationId: string, typing: boolean): void {
    const cur = this.entries.get(conversationId) ?? { on: false, at: 0 };
    clearTimeout(cur.idle);
    cur.idle = undefined;
    const now = this.now();
    if (typing) {
      if (!cur.on || now - cur.at > RESEND_MS) {
        this.send(conversationId, true);
        cur.on = true;
        cur.at = now;
      }
      cur.idle = setTimeout(() => this.set(conversationId, false), IDLE_MS);
    } else if (cur.on) {
      this.send(conversationId, false);
      cur.on = false;
      cur.at = now;
    }
    this.entries.set(conversationId, cur);
  }

  dispose(): void {
    for (const e of this.entries.values()) clearTimeout(e.idle);
    this.entries.clear();
  }
}
