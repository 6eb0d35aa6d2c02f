import { z } from 'zod';
import { JanusConnection } from './connection.js';
import { JANUS_ADMIN_PROTOCOL } from './wire.js';

/**
 * Janus's admin API (its own WebSocket port, subprotocol janus-admin-protocol, every request
 * carrying admin_secret). Used for leak checks and diagnostics: which sessions and handles exist.
 */
export class JanusAdmin {
  private constructor(private readonly conn: JanusConnection) {}

  static async connect(url: string, secret: string, requestTimeoutMs = 5_000): Promise<JanusAdmin> {
    const conn = await JanusConnection.open({
      url,
      protocol: JANUS_ADMIN_PROTOCOL,
      requestTimeoutMs,
      secret: { field: 'admin_secret', value: secret },
    });
    return new JanusAdmin(conn);
  }

  async listSessions(): Promise<number[]> {
    const reply = await this.conn.request({ janus: 'list_sessions' }, { what: 'list sessions' });
    return z
      .object({ sessions: z.array(z.number()) })
      .loose()
      .parse(reply).sessions;
  }

  async listHandles(sessionId: number): Promise<number[]> {
    const reply = await this.conn.request(
      { janus: 'list_handles', session_id: sessionId },
      { what: 'list handles' },
    );
    return z
      .object({ handles: z.array(z.number()) })
      .loose()
      .parse(reply).handles;
  }

  close(): void {
    this.conn.close();
  }
}
