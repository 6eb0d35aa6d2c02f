import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for this process, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    wsConnections: new Gauge({ name: 'visavis_ws_connections', help: 'Open WebSocket connections', registers: [registry] }),
    wsMessages: new Counter({
      name: 'visavis_ws_messages_total',
      help: 'WebSocket commands received, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'visavis_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    assignments: new Counter({ name: 'visavis_assignments_total', help: 'Conversations assigned', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
