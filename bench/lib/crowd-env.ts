/**
 * Server settings for benchmarks whose simulated visitors and agents all come from 127.0.0.1.
 * The per-address limits are meant for one person, or one office behind NAT; a benchmark's crowd
 * from one address would trip them and measure the refusals instead of the product. Limits per
 * connection (frames per second, subscriptions, send buffers) stay at their defaults.
 */
export const CROWD_FROM_ONE_ADDRESS: Record<string, string> = {
  WS_MAX_CONNECTIONS_PER_IP: '100000',
  LOGIN_RATE_PER_MINUTE: '100000',
  LOGIN_RATE_PER_ADDRESS_PER_MINUTE: '100000',
  LOGIN_MAX_QUEUED_HASHES: '10000',
  VISITOR_SESSION_RATE_PER_MINUTE: '1000000',
};
