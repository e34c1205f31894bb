import { Validator } from '@seriousme/openapi-schema-validator';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import express from 'express';
import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import type { OpenApiDocument } from '../../server/api/openapi/api-document';
import { responseCheck, type ResponseCheckMode } from '../../server/api/openapi/response-check';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type Operation = {
  summary?: string;
  operationId?: string;
  responses: Record<string, { content?: Record<string, { example?: unknown }> }>;
};

function operationsOf(document: OpenApiDocument): [string, Operation][] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    (['get', 'put', 'post', 'patch', 'delete'] as const).flatMap((method) => {
      const operation = (item as Record<string, Operation | undefined>)[method];
      return operation ? [[`${method.toUpperCase()} ${path}`, operation] as [string, Operation]] : [];
    }),
  );
}

describe('API reference (e2e): /openapi.json generated from the zod schemas, /docs, responses checked against it', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let connection: Connection;
  let server: RunningApiServer;
  let document: OpenApiDocument;

  before(async () => {
    db = await createTestDatabase('api_openapi');
    const temporalServer = await getDevServer();
    connection = await Connection.connect({ address: temporalServer.address });
    const config = loadConfig({ TEMPORAL_NAMESPACE: temporalServer.namespace });
    server = await startApiServer(
      createApp({
        config,
        temporal: new Client({ connection, namespace: temporalServer.namespace }),
        models: db.models,
      }),
      0,
    );
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    document = (await response.json()) as OpenApiDocument;
  });

  after(async () => {
    await server?.close();
    await connection?.close();
    await db?.destroy();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
    expect(result.valid).to.equal(true);
    expect(document.openapi).to.equal('3.1.0');
  });

  it('documents every route with a summary, an operation id, its error responses and an example of its success', () => {
    const operations = operationsOf(document);
    expect(operations.map(([name]) => name)).to.include.members([
      'POST /v1/runs',
      'GET /v1/runs',
      'GET /v1/runs/{workflowId}',
      'POST /v1/runs/{workflowId}/cancel',
      'POST /v1/runs/{workflowId}/updates/{name}',
      'GET /v1/workflows',
      'POST /v1/connectors',
      'POST /v1/connectors/{name}/test',
      'GET /v1/schedules',
      'POST /v1/schedules',
      'GET /v1/schedules/{id}',
      'PUT /v1/schedules/{id}',
      'DELETE /v1/schedules/{id}',
      'POST /v1/schedules/{id}/pause',
      'POST /v1/schedules/{id}/unpause',
      'POST /v1/schedules/{id}/trigger',
      'POST /v1/schedules/{id}/backfill',
      'GET /healthz',
    ]);
    for (const [name, operation] of operations) {
      expect(operation.summary, name).to.be.a('string').and.not.empty;
      expect(operation.operationId, name).to.be.a('string').and.not.empty;
      const statuses = Object.keys(operation.responses);
      if (name.includes('/v1/')) expect(statuses, name).to.include.members(['401', '503']);
      const success = statuses.filter((status) => status.startsWith('2'));
      expect(success, name).to.not.be.empty;
    }
    for (const [name, operation] of operations) {
      const successes = Object.entries(operation.responses).filter(
        ([status, response]) => status.startsWith('2') && response.content,
      );
      for (const [status, response] of successes) {
        expect(
          Object.values(response.content ?? {}).some((media) => media.example !== undefined),
          `${name} ${status} has an example`,
        ).to.equal(true);
      }
    }
  });

  it('generates the input schema of POST /v1/runs from the same zod schema that validates it', () => {
    const start = document.paths?.['/v1/runs']?.post;
    const body = (
      start?.requestBody as {
        content: Record<
          string,
          { schema: { required?: string[]; properties: Record<string, { maxLength?: number }> } }
        >;
      }
    ).content['application/json']!.schema;
    expect(body.required).to.include('type');
    expect(body.properties.type?.maxLength).to.equal(100);
    expect(body.properties).to.have.keys('type', 'input', 'businessKey', 'version');
  });

  it('serves a browsable reference at /docs that loads the document', async () => {
    const response = await fetch(`${server.url}/docs/`);
    expect(response.status).to.equal(200);
    const html = await response.text();
    expect(html).to.contain('swagger-ui');
    expect(response.headers.get('content-security-policy')).to.contain("script-src 'self'");
    const init = await fetch(`${server.url}/docs/swagger-ui-init.js`);
    expect(await init.text()).to.contain('/openapi.json');
  });

  describe('the response check', () => {
    const shapeSchema = z.object({ id: z.string() });
    const checkedDocument = createDocument({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/things/{id}': {
          get: {
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: shapeSchema } } } },
          },
        },
      },
    }) as OpenApiDocument;

    async function serve(
      mode: ResponseCheckMode,
      body: unknown,
      status = 200,
      path = '/things/1',
    ): Promise<{ status: number; body: Record<string, unknown> }> {
      const app = express();
      app.use(responseCheck(checkedDocument, mode));
      app.get('/things/:id', (_req, res) => {
        res.status(status).json(body);
      });
      app.get('/v1/secret-things/:id', (_req, res) => {
        res.status(status).json(body);
      });
      const running = await startApiServer(app, 0);
      try {
        const response = await fetch(`${running.url}${path}`);
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      } finally {
        await running.close();
      }
    }

    it('passes a response that matches its schema', async () => {
      expect(await serve('strict', { id: 'a' })).to.deep.equal({ status: 200, body: { id: 'a' } });
    });

    it('answers 500 in strict mode when the body breaks the schema or the status is undocumented, and passes it in log mode', async () => {
      const broken = await serve('strict', { id: 7 });
      expect(broken.status).to.equal(500);
      expect(broken.body).to.include({ type: '/problems/response-schema-violation' });
      expect(String(broken.body.detail)).to.contain('/id');
      const undocumented = await serve('strict', { id: 'a' }, 201);
      expect(undocumented.status).to.equal(500);
      expect(String(undocumented.body.detail)).to.contain('status 201 is not documented');
      expect(await serve('log', { id: 7 })).to.deep.equal({ status: 200, body: { id: 7 } });
      const undocumentedRoute = await serve('strict', { id: 'a' }, 200, '/v1/secret-things/1');
      expect(undocumentedRoute.status).to.equal(500);
      expect(String(undocumentedRoute.body.detail)).to.contain(
        'GET /v1/secret-things/{id} is not in the OpenAPI document',
      );
    });
  });
});
