/** OpenAPI description of /v1/runs, built from the schemas the routes validate with. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonBody, jsonResponse } from '../openapi/problem.schema';
import { RUN_STATUS_NAMES } from '../../runs/run-views';
import {
  historyQuerySchema,
  listRunsQuerySchema,
  messageNameSchema,
  startRunBodySchema,
  resetBodySchema,
  terminateBodySchema,
  workflowIdSchema,
} from './runs.schemas';
import { EXAMPLE_ORDER_INPUT } from '../openapi/examples';

const exampleOrder = {
  type: 'orderToCash',
  input: EXAMPLE_ORDER_INPUT,
};

const links = z.object({ self: z.string() });

export const runFailureSchema: z.ZodType<{ message: string; type: string | null; details?: unknown; cause: unknown }> =
  z
    .object({
      message: z.string(),
      type: z
        .string()
        .nullable()
        .meta({ description: 'The failure type, e.g. a connector error code (`PAYMENT_DECLINED`).' }),
      details: z.unknown().optional().meta({
        description:
          "An application failure's first detail, e.g. the connector error's code, status and vendorMessage.",
      }),
      get cause() {
        return runFailureSchema.nullable();
      },
    })
    .meta({ id: 'RunFailure' });

const progressSchema = z
  .object({
    status: z.string(),
    currentStep: z.string().nullable(),
    stepsDone: z.array(z.string()),
    compensations: z.array(
      z.object({ step: z.string(), outcome: z.enum(['done', 'failed']), error: z.string().optional() }),
    ),
    failure: z.object({ step: z.string(), type: z.string().nullable(), message: z.string() }).optional(),
    pending: z
      .object({
        step: z.number().int(),
        steps: z.number().int(),
        approver: z.string(),
        since: z.string(),
        escalated: z.boolean(),
        escalatedFrom: z.string().optional(),
      })
      .optional()
      .meta({ description: 'Who the run waits for, since when (approval processes).' }),
    details: z.record(z.string(), z.unknown()).optional().meta({ description: 'Process-specific figures.' }),
  })
  .meta({ id: 'Progress', description: "The process's answer to its `progress` query." });

export const runSummarySchema = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    type: z.string(),
    status: z.string().meta({ description: `One of ${RUN_STATUS_NAMES.join(', ')}.` }),
    startTime: z.string(),
    closeTime: z.string().nullable(),
    searchAttributes: z.record(z.string(), z.unknown()),
    links,
  })
  .meta({ id: 'RunSummary' });

const runViewSchema = runSummarySchema
  .extend({
    taskQueue: z.string(),
    progress: progressSchema.nullable().meta({ description: 'null when no worker answered the query in time.' }),
    result: z.unknown().optional(),
    failure: runFailureSchema.optional(),
    resets: z
      .object({
        firstRunId: z.string().nullable(),
        resetFrom: z
          .object({ runId: z.string(), eventId: z.number().int() })
          .nullable()
          .meta({ description: "The run this one was reset from; eventId is this run's reset event." }),
        resetTo: z.string().nullable().meta({ description: 'The run this one was last reset to.' }),
      })
      .nullable()
      .meta({ description: 'How resets link the runs of this workflow id; null when Temporal could not tell.' }),
  })
  .meta({ id: 'Run' });

const resetRunSchema = z
  .object({
    workflowId: z.string(),
    runId: z.string().meta({ description: 'The new run, continuing the old one from the reset point.' }),
    resetFrom: z.object({
      runId: z.string(),
      eventId: z.number().int().meta({ description: 'The WorkflowTaskCompleted event of the old run reset to.' }),
      step: z.string().meta({ description: 'The step run again first; `start` for the whole run.' }),
    }),
    links,
  })
  .meta({ id: 'ResetRun' });

const startedRunSchema = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    existing: z.literal(true).optional().meta({ description: 'The run had already finished; nothing was started.' }),
    links,
  })
  .meta({ id: 'StartedRun' });

/** The 403s of a message that is a person's decision (run-messages.service.ts, message-actor.ts). */
const PERSONAL_DECISION =
  "A person's decision (a message whose catalog entry names an actor field, e.g. purchaseApproval's approve and reject with `approver`) is bound to the caller: " +
  "the field is filled in from the credential, an API key issued with `actsAs` or an OIDC token's email claim, and may be left out of the body. " +
  'Besides a missing scope, 403 answers `/problems/personal-credential-required` when the credential acts for nobody (a system key without actsAs, admin keys included, or a token without an email) ' +
  'and `/problems/actor-mismatch` when the body names someone other than the person the credential acts for.';

const workflowIdParams = z.object({ workflowId: workflowIdSchema.meta({ example: 'order-1001' }) });
const messageParams = workflowIdParams.extend({ name: messageNameSchema });

const runSummaryExample = {
  workflowId: 'order-1001',
  runId: '0193f4d2-6c1e-7a3b-9f10-1c2d3e4f5a6b',
  type: 'orderToCash',
  status: 'COMPLETED',
  startTime: '2026-11-24T09:00:00.000Z',
  closeTime: '2026-11-24T09:00:02.000Z',
  searchAttributes: {
    BusinessKey: '1001',
    CustomerEmail: 'ada@example.com',
    OrderTotal: 39.98,
    ProcessStatus: 'COMPLETED',
  },
  links: { self: '/v1/runs/order-1001' },
};

export const runsPaths: ZodOpenApiPathsObject = {
  '/v1/runs': {
    post: authenticated('runs:write', {
      operationId: 'startRun',
      tags: ['runs'],
      summary: 'Start a run of a catalog process',
      description:
        "The workflow id derives from the business key in the input, so a repeated start returns the same run (202 with `existing` once it has finished). Needs `runs:write` for the process (`runs:write` or `runs:write:<type>`); an input that sets a field choosing infrastructure (the catalog's `infrastructureFields`: `connectors`, `invoicing`) to anything but the deployment's own choice also needs `runs:infrastructure`. Either refusal is a 403 naming the scope (and the fields in `errors`); nothing is started.",
      requestParams: {
        header: z.object({
          'idempotency-key': z.string().optional().meta({
            description:
              "Stripe's contract, per caller, for 24 hours: the same key with the same request answers the run the first request started (without calling Temporal); the same key with a different request is refused (422 idempotency-key-reused); while the first request is still starting its run, 409 idempotency-key-in-use.",
          }),
        }),
      },
      requestBody: jsonBody(startRunBodySchema, exampleOrder),
      responses: {
        '202': {
          ...jsonResponse('Accepted by Temporal.', startedRunSchema, {
            workflowId: 'order-1001',
            runId: runSummaryExample.runId,
            links: { self: '/v1/runs/order-1001' },
          }),
          headers: z.object({ location: z.string() }),
        },
        ...errorResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    get: authenticated('runs:read', {
      operationId: 'listRuns',
      tags: ['runs'],
      summary: 'List runs, newest first, by type, status, business key and start time',
      description:
        'A key whose read scopes name processes (`runs:read:<type>`) lists runs of those processes only: `type` outside them answers 403, no `type` lists all of them.',
      requestParams: { query: listRunsQuerySchema },
      responses: {
        '200': jsonResponse(
          'One page of runs.',
          z.object({ items: z.array(runSummarySchema), nextPageToken: z.string().nullable() }),
          { items: [runSummaryExample], nextPageToken: null },
        ),
        ...errorResponses(400),
      },
    }),
  },
  '/v1/runs/{workflowId}': {
    get: authenticated('runs:read', {
      operationId: 'getRun',
      tags: ['runs'],
      summary: 'Describe a run: status, progress, result or failure',
      description:
        "Needs `runs:read` for the run's process (`runs:read` or `runs:read:<type>`); a run of a type outside the catalog (a child workflow) needs `runs:read`.",
      requestParams: { path: workflowIdParams },
      responses: {
        '200': jsonResponse('The run.', runViewSchema, {
          ...runSummaryExample,
          taskQueue: 'junction',
          progress: { status: 'COMPLETED', currentStep: null, stepsDone: ['upsertCustomer'], compensations: [] },
          result: { orderId: '1001' },
        }),
        ...errorResponses(400, 404),
      },
    }),
  },
  '/v1/runs/{workflowId}/cancel': {
    post: authenticated('runs:write', {
      operationId: 'cancelRun',
      tags: ['runs'],
      summary: 'Request cancellation of a running run (the process compensates)',
      description: "Needs `runs:write` for the run's process (`runs:write` or `runs:write:<type>`).",
      requestParams: { path: workflowIdParams },
      responses: {
        '202': jsonResponse(
          'Cancellation requested.',
          z.object({ workflowId: z.string(), status: z.literal('cancel_requested') }),
          { workflowId: 'order-1001', status: 'cancel_requested' },
        ),
        ...errorResponses(400, 404, 409),
      },
    }),
  },
  '/v1/runs/{workflowId}/history': {
    get: authenticated('runs:read', {
      operationId: 'getRunHistory',
      tags: ['runs'],
      summary: "The latest run's event history, a page at a time",
      description:
        "Events in Temporal's JSON form (payloads base64-encoded), the same form `temporal workflow show --output json` writes and the replay tests read. Needs `runs:read` for the run's process.",
      requestParams: { path: workflowIdParams, query: historyQuerySchema },
      responses: {
        '200': jsonResponse(
          'One page of events, oldest first.',
          z.object({
            workflowId: z.string(),
            events: z.array(z.record(z.string(), z.unknown())),
            nextPageToken: z.string().nullable(),
          }),
          {
            workflowId: 'order-1001',
            events: [
              {
                eventId: '1',
                eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
                eventTime: '2026-11-24T09:00:00.000Z',
              },
            ],
            nextPageToken: null,
          },
        ),
        ...errorResponses(400, 404),
      },
    }),
  },
  '/v1/runs/{workflowId}/reset': {
    post: authenticated('runs:reset', {
      operationId: 'resetRun',
      tags: ['runs'],
      summary: 'Reset a failed run to a step: the steps before it are not run again',
      description:
        "Temporal's reset to the workflow task before the step's first activity; the steps from it run again under their " +
        'idempotency keys. Only a FAILED, TERMINATED, TIMED_OUT or CANCELLED run; 409 names why a reset is refused: a step ' +
        'the process does not declare resettable, a step the run never reached, a run whose saga undid an effect (it needs ' +
        'a rerun as a new generation), a run still running or completed.',
      requestParams: { path: workflowIdParams },
      requestBody: jsonBody(resetBodySchema, {
        toStep: 'createSalesOrder',
        reason: 'ERP was down 10:00-11:00 (INC-7)',
      }),
      responses: {
        '202': jsonResponse('Reset: the new run is started.', resetRunSchema, {
          workflowId: 'order-1001',
          runId: '5f0c9a8e-3b5e-4a53-9a1e-6a3c1f0e2b7d',
          resetFrom: { runId: '0b1e8c9f-2d1a-4e55-8f0e-1c2d3e4f5a6b', eventId: 17, step: 'createSalesOrder' },
          links: { self: '/v1/runs/order-1001' },
        }),
        ...errorResponses(400, 404, 409, 413, 415),
      },
    }),
  },
  '/v1/runs/{workflowId}/terminate': {
    post: authenticated('admin', {
      operationId: 'terminateRun',
      tags: ['runs'],
      summary: 'Terminate a running run at once, without compensation',
      description: 'For runs that cannot finish otherwise; prefer cancel, which lets the process compensate.',
      requestParams: { path: workflowIdParams },
      requestBody: jsonBody(terminateBodySchema, {
        reason: 'stuck on a retired ERP; compensated by hand (ticket OPS-42)',
      }),
      responses: {
        '202': jsonResponse('Terminated.', z.object({ workflowId: z.string(), status: z.literal('terminated') }), {
          workflowId: 'order-1001',
          status: 'terminated',
        }),
        ...errorResponses(400, 404, 409, 413, 415),
      },
    }),
  },
  '/v1/runs/{workflowId}/signals/{name}': {
    post: authenticated('runs:write', {
      operationId: 'signalRun',
      tags: ['runs'],
      summary: 'Send a signal the process declares (GET /v1/workflows lists them with their argument schemas)',
      description: `Needs \`runs:write\` for the run's process (\`runs:write\` or \`runs:write:<type>\`).\n\n${PERSONAL_DECISION}`,
      requestParams: { path: messageParams },
      requestBody: {
        required: false,
        content: { 'application/json': { schema: z.unknown(), example: { text: 'urgent' } } },
      },
      responses: {
        '202': jsonResponse(
          'Delivered to the run.',
          z.object({ workflowId: z.string(), runId: z.string(), signal: z.string() }),
          { workflowId: 'purchase-PR-7', runId: runSummaryExample.runId, signal: 'note' },
        ),
        ...errorResponses(400, 404, 409, 413, 415),
      },
    }),
  },
  '/v1/runs/{workflowId}/updates/{name}': {
    post: authenticated('runs:write', {
      operationId: 'updateRun',
      tags: ['runs'],
      summary: 'Send an update the process declares and wait for its result',
      description: `The caller learns at once whether the process accepted it: 200 with the update's result, or 422 with the validator's reason (the run is then unchanged). Needs \`runs:write\` for the run's process (\`runs:write\` or \`runs:write:<type>\`).\n\n${PERSONAL_DECISION}`,
      requestParams: { path: messageParams },
      requestBody: {
        required: false,
        content: { 'application/json': { schema: z.unknown(), example: { comment: 'Within budget' } } },
      },
      responses: {
        '200': jsonResponse(
          'Accepted; the result of the update.',
          z.object({ workflowId: z.string(), runId: z.string(), update: z.string(), result: z.unknown() }),
          {
            workflowId: 'purchase-PR-7',
            runId: runSummaryExample.runId,
            update: 'approve',
            result: { status: 'APPROVED' },
          },
        ),
        ...errorResponses(400, 404, 409, 413, 415, 422),
      },
    }),
  },
  '/v1/runs/{workflowId}/queries/{name}': {
    get: authenticated('runs:read', {
      operationId: 'queryRun',
      tags: ['runs'],
      summary: 'Ask a query the process declares (e.g. `progress`)',
      description: "Needs `runs:read` for the run's process (`runs:read` or `runs:read:<type>`).",
      requestParams: { path: messageParams },
      responses: {
        '200': jsonResponse(
          "The query's answer.",
          z.object({ workflowId: z.string(), runId: z.string(), query: z.string(), result: z.unknown() }),
          {
            workflowId: 'order-1001',
            runId: runSummaryExample.runId,
            query: 'progress',
            result: {
              status: 'RUNNING',
              currentStep: 'authorizePayment',
              stepsDone: ['upsertCustomer', 'checkStock', 'createSalesOrder'],
              compensations: [],
            },
          },
        ),
        ...errorResponses(400, 404),
      },
    }),
  },
};
