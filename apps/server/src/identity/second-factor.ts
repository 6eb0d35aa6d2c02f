import { AppError } from '../platform/errors.js';
import type { SqlExecutor } from '../ports/database.js';
import { matchTotp } from './totp.js';
import type { AccountRow } from './account-store.js';

/** Wrong codes in a row before the second factor is locked for LOCK_MS (a 6-digit code is guessable otherwise). */
const MAX_FAILURES = 5;
const LOCK_MS = 5 * 60_000;

/**
 * Checks an authenticator code for the agent against `secret` (their enabled or pending one).
 * A matched step is stored with a conditional update, so the same code cannot be used twice even
 * by two concurrent requests; failures count towards a temporary lock.
 */
export async function checkTotp(db: SqlExecutor, agent: AccountRow, secret: string, code: string | undefined, now: Date): Promise<void> {
  const lockedUntil = agent.totp_locked_until ? new Date(agent.totp_locked_until).getTime() : 0;
  if (lockedUntil > now.getTime()) throw new AppError('RATE_LIMITED', 'Too many wrong authenticator codes; wait a few minutes.');
  if (!code) throw new AppError('TOTP_REQUIRED');
  const last = agent.totp_last_step === null ? null : Number(agent.totp_last_step);
  const step = matchTotp(secret, code, now.getTime(), last);
  if (step !== null) {
    const claimed = await db.query(
      `update agents set totp_last_step = $2, totp_failures = 0, totp_locked_until = null
       where id = $1 and (totp_last_step is null or totp_last_step < $2) returning id`,
      [agent.id, step],
    );
    if (claimed.length === 1) return;
  }
  await db.query(
    `update agents set
       totp_failures = case when totp_failures + 1 >= $2 then 0 else totp_failures + 1 end,
       totp_locked_until = case when totp_failures + 1 >= $2 then $3::timestamptz else totp_locked_until end
     where id = $1`,
    [agent.id, MAX_FAILURES, new Date(now.getTime() + LOCK_MS).toISOString()],
  );
  throw new AppError('TOTP_INVALID');
}
