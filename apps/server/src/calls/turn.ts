import { createHmac } from 'node:crypto';

/**
 * Short-lived TURN credentials by the "TURN REST API" scheme that coturn implements with
 * `use-auth-secret` + `static-auth-secret`: the username is `<expiry unix time>:<user>` and the
 * password is base64(HMAC-SHA1(secret, username)). coturn checks both without a database, and a
 * leaked pair stops working at expiry. Call lengths must stay below the TTL: coturn re-checks the
 * expiry when the browser refreshes its allocation.
 */
/** As a browser's RTCIceServer (and the protocol's IceServerConfig). */
export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface TurnSettings {
  urls: string[];
  secret: string | undefined;
  ttlSeconds: number;
}

export function turnCredentials(secret: string, user: string, ttlSeconds: number, nowMs: number) {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** The ICE servers to hand one user's browser; [] when none are configured. */
export function iceServersFor(s: TurnSettings, user: string, nowMs: number): IceServerConfig[] {
  const turn = s.urls.filter((u) => u.startsWith('turn'));
  const stun = s.urls.filter((u) => u.startsWith('stun'));
  const servers: IceServerConfig[] = [];
  if (stun.length > 0) servers.push({ urls: stun });
  if (turn.length > 0 && s.secret)
    servers.push({ urls: turn, ...turnCredentials(s.secret, user, s.ttlSeconds, nowMs) });
  return servers;
}
