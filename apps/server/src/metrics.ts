/** Prometheus metrics, one registry per app instance (so tests can build several). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface AppMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly decisions: Counter<'outcome'>;
}

export function createMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'safeguard_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'safeguard_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'safeguard_decisions_total',
      help: 'Interaction decisions by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
