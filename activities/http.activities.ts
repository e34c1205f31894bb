import type { ConnectorResolver, HttpCallRequest, HttpCallResponse } from '../connectors/spi';
import { callConnector } from './connector-failure';

/** What a flow's `call: http` task asks for: the instance, the request, and the task's idempotency key. */
export interface CallHttpInput {
  /** An `http.<name>` instance. */
  connector: string;
  request: HttpCallRequest;
  /** `<workflowId>:<task path>`; sent as Idempotency-Key on POST, PUT, PATCH and DELETE. */
  idempotencyKey: string;
}

export function createHttpActivities(connectors: ConnectorResolver) {
  return {
    async callHttp({ connector, request, idempotencyKey }: CallHttpInput): Promise<HttpCallResponse> {
      // Resolved inside callConnector: an unknown or misconfigured instance fails the task at once, not after every retry.
      return callConnector(() => connectors.resolve('http', connector).request(request, { idempotencyKey }));
    },
  };
}
