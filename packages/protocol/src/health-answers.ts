import { z } from 'zod';

/** GET /healthz: the process answers. */
export const HealthAnswer = z.object({ status: z.literal('ok') });
export type HealthAnswer = z.infer<typeof HealthAnswer>;

/** GET /readyz: 200 ready, 503 not ready (load balancers send no traffic then). */
export const ReadinessAnswer = z.object({ status: z.enum(['ready', 'not ready']) });
export type ReadinessAnswer = z.infer<typeof ReadinessAnswer>;
