/** OpenAPI description of GET /metrics. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorResponses } from '../openapi/problem.schema';

export const metricsPaths: ZodOpenApiPathsObject = {
  '/metrics': {
    get: {
      operationId: 'metrics',
      tags: ['health'],
      summary: 'Prometheus metrics of this API process',
      description:
        'Request counts and latencies by route pattern and status, runs started by type, and process health, in the Prometheus text format. ' +
        'Needs `METRICS_TOKEN` or an API key with the `admin` scope as a bearer token.',
      security: [{ bearerAuth: [] }],
      responses: {
        '200': {
          description: 'The metrics.',
          content: {
            'text/plain': {
              schema: z.string(),
              example:
                '# TYPE http_requests_total counter\nhttp_requests_total{method="GET",route="/v1/runs",status="200"} 3\n',
            },
          },
        },
        ...errorResponses(401, 403),
      },
    },
  },
};
