/** OpenAPI description of /v1/flows; the response schemas mirror flow-views.ts. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { FLOW_ISSUE_RULES } from '../../flows/flow-issue';
import { PROBLEM_CONTENT_TYPE } from '../../errors/app-error';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonResponse, problemSchema } from '../openapi/problem.schema';
import { FLOW_BODY_LIMIT } from './flow-body';
import { flowParamsSchema, flowStatusSchema, flowVersionParamsSchema, publishQuerySchema } from './flows.schemas';

const instant = z.string().meta({ format: 'date-time', example: '2026-11-24T09:00:00.000Z' });

const flowVersionSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    workflowType: z.string().meta({ description: 'The catalog type of its runs: `flow:<name>`.' }),
    status: flowStatusSchema.meta({
      description:
        '`published`: startable, the newest is the default of POST /v1/runs; `deprecated`: startable only when a run names the version; `retired`: no new run starts with it (running runs go on).',
    }),
    contentHash: z.string().meta({ description: 'SHA-256 of the document as canonical JSON.' }),
    title: z.string().nullable(),
    summary: z.string().nullable(),
    mediaType: z.string(),
    publishedBy: z.string(),
    publishedAt: instant,
    statusChangedBy: z.string().nullable(),
    statusChangedAt: instant.nullable(),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'FlowVersion' });

const flowVersionDetailSchema = flowVersionSchema
  .extend({
    document: z.record(z.string(), z.unknown()).meta({ description: 'The validated DSL 1.0 document as JSON.' }),
    source: z.string().meta({ description: 'The text as published (YAML or JSON).' }),
    description: z.object({
      name: z.string(),
      namespace: z.string(),
      version: z.string(),
      inputSchema: z.record(z.string(), z.unknown()),
      taskPaths: z.array(z.string()),
    }),
  })
  .meta({ id: 'FlowVersionDetail' });

const flowSummarySchema = z
  .object({
    name: z.string(),
    workflowType: z.string(),
    latestVersion: z.string(),
    status: flowStatusSchema.meta({ description: 'The status of the latest version.' }),
    defaultVersion: z
      .string()
      .nullable()
      .meta({ description: 'What POST /v1/runs starts when it names no version; null when none is published.' }),
    versions: z.number().int(),
    title: z.string().nullable(),
    summary: z.string().nullable(),
    links: z.object({ versions: z.string() }),
  })
  .meta({ id: 'FlowSummary' });

const publishSchema = z
  .object({
    outcome: z.enum(['created', 'unchanged', 'valid']).meta({
      description:
        '`created`: stored now (201); `unchanged`: this name@version was already published with the same content (200); `valid`: a dry run of a new version (200).',
    }),
    name: z.string(),
    version: z.string(),
    workflowType: z.string(),
    contentHash: z.string(),
    flow: flowVersionSchema.nullable(),
  })
  .meta({ id: 'FlowPublished' });

const flowIssueSchema = z.object({
  path: z
    .string()
    .meta({ description: 'JSON pointer into the document.', example: '/do/0/createSalesOrder/with/connector' }),
  rule: z.enum(FLOW_ISSUE_RULES),
  message: z.string(),
  task: z.string().optional().meta({ description: 'The path of the enclosing task.' }),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

const invalidFlowResponse = {
  description:
    'The flow is invalid (`issues` lists every problem with its path, rule and task; syntax and jq errors their line and column), or a parameter is.',
  content: {
    [PROBLEM_CONTENT_TYPE]: { schema: problemSchema.extend({ issues: z.array(flowIssueSchema).optional() }) },
  },
};

const publishedExample = {
  name: 'order-to-cash',
  version: '1.0.0',
  workflowType: 'flow:order-to-cash',
  status: 'published',
  contentHash: '9f2c…',
  title: 'Order to cash',
  summary: null,
  mediaType: 'application/yaml',
  publishedBy: 'ci (jn_live_ab12)',
  publishedAt: '2026-11-24T09:00:00.000Z',
  statusChangedBy: null,
  statusChangedAt: null,
  links: { self: '/v1/flows/order-to-cash/versions/1.0.0' },
};

const statusChange = (change: 'deprecate' | 'retire', summary: string) =>
  authenticated('flows:write', {
    operationId: `${change}FlowVersion`,
    tags: ['flows'],
    summary,
    requestParams: { path: flowVersionParamsSchema },
    responses: {
      '200': jsonResponse(
        'The version with its new status (the same answer when it already had it).',
        flowVersionSchema,
        {
          ...publishedExample,
          status: change === 'deprecate' ? 'deprecated' : 'retired',
          statusChangedBy: 'ops (jn_live_cd34)',
          statusChangedAt: '2026-12-01T09:00:00.000Z',
        },
      ),
      ...errorResponses(400, 404, 409),
    },
  });

export const flowsPaths: ZodOpenApiPathsObject = {
  '/v1/flows': {
    post: authenticated(null, {
      operationId: 'publishFlow',
      tags: ['flows'],
      summary: 'Validate and publish a flow version (Serverless Workflow DSL 1.0, YAML or JSON)',
      description: `Publishing needs \`flows:write\`; \`dryRun=true\` (validate only) needs \`flows:read\`. The flow is validated against this deployment (its connector instances, jq syntax, Junction's subset and limits). A published name@version never changes: the same content again answers 200 \`unchanged\`, other content 409. Body limit ${FLOW_BODY_LIMIT} bytes.`,
      requestParams: { query: publishQuerySchema },
      requestBody: {
        required: true,
        content: {
          'application/yaml': { schema: z.string().meta({ description: 'The flow document as YAML.' }) },
          'application/json': { schema: z.record(z.string(), z.unknown()) },
        },
      },
      responses: {
        '201': jsonResponse('Published.', publishSchema, {
          outcome: 'created',
          name: 'order-to-cash',
          version: '1.0.0',
          workflowType: 'flow:order-to-cash',
          contentHash: '9f2c…',
          flow: publishedExample,
        }),
        '200': jsonResponse('Already published with the same content, or valid (dry run).', publishSchema, {
          outcome: 'unchanged',
          name: 'order-to-cash',
          version: '1.0.0',
          workflowType: 'flow:order-to-cash',
          contentHash: '9f2c…',
          flow: publishedExample,
        }),
        '400': invalidFlowResponse,
        ...errorResponses(403, 409, 413, 415),
      },
    }),
    get: authenticated('flows:read', {
      operationId: 'listFlows',
      tags: ['flows'],
      summary: 'Every published flow: its latest version, status and default version',
      responses: {
        '200': jsonResponse('Every flow, by name.', z.object({ items: z.array(flowSummarySchema) }), {
          items: [
            {
              name: 'order-to-cash',
              workflowType: 'flow:order-to-cash',
              latestVersion: '1.1.0',
              status: 'published',
              defaultVersion: '1.1.0',
              versions: 2,
              title: 'Order to cash',
              summary: null,
              links: { versions: '/v1/flows/order-to-cash/versions' },
            },
          ],
        }),
      },
    }),
  },
  '/v1/flows/{name}/versions': {
    get: authenticated('flows:read', {
      operationId: 'listFlowVersions',
      tags: ['flows'],
      summary: 'The versions of a flow, newest first',
      requestParams: { path: flowParamsSchema },
      responses: {
        '200': jsonResponse('Every version.', z.object({ items: z.array(flowVersionSchema) }), {
          items: [publishedExample],
        }),
        ...errorResponses(400, 404),
      },
    }),
  },
  '/v1/flows/{name}/versions/{version}': {
    get: authenticated('flows:read', {
      operationId: 'getFlowVersion',
      tags: ['flows'],
      summary: 'A flow version: its document, source, status and summary (input schema, task paths)',
      requestParams: { path: flowVersionParamsSchema },
      responses: {
        '200': jsonResponse('The version.', flowVersionDetailSchema, {
          ...publishedExample,
          document: { document: { dsl: '1.0.0', namespace: 'shop', name: 'order-to-cash', version: '1.0.0' }, do: [] },
          source: "document:\n  dsl: '1.0.0'\n  …",
          description: {
            name: 'order-to-cash',
            namespace: 'shop',
            version: '1.0.0',
            inputSchema: { type: 'object' },
            taskPaths: ['/do/0/createSalesOrder'],
          },
        }),
        ...errorResponses(400, 404),
      },
    }),
  },
  '/v1/flows/{name}/versions/{version}/deprecate': {
    post: statusChange(
      'deprecate',
      'Deprecate a version: no longer the default of new runs, still startable when a run names it',
    ),
  },
  '/v1/flows/{name}/versions/{version}/retire': {
    post: statusChange('retire', 'Retire a version: no new run starts with it; running runs are unaffected'),
  },
};
