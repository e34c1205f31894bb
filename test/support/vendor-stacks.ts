/**
 * Harness for test/integration/order-to-cash.vendors.e2e.test.ts: an API stack (test database, worker
 * on the shared dev server with its own task queue, admin API) and real vendor connectors whose
 * instances point at the vendor fakes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { ConnectorRegistry } from '../../connectors/registry';
import type { OrderToCashInput } from '../../workflows/order-to-cash/order-to-cash.types';
import { BusinessCentralFake } from '../fakes/business-central-fake';
import { HubSpotFake } from '../fakes/hubspot-fake';
import { FakeOAuthTokenServer } from '../fakes/oauth-token-server';
import { OdooFake } from '../fakes/odoo-fake';
import { SalesforceFake } from '../fakes/salesforce-fake';
import { SapODataFake } from '../fakes/sap-odata-fake';
import { startSendGridFake, type SendGridFake } from '../fakes/sendgrid-fake';
import { startStripeFake, type StripeFake } from '../fakes/stripe-fake';
import { keyedCall, waitForRun } from './api-client';
import { startApiStack } from './api-stack';
import { clientCredentials } from './salesforce-connector';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import type { TestDatabase } from './test-database';

export interface RunView {
  workflowId: string;
  runId: string;
  status: string;
  progress: {
    status: string;
    stepsDone: string[];
    compensations: { step: string; outcome: string }[];
    failure?: { step: string; type: string | null; message: string };
  } | null;
  result?: {
    salesOrderId: string;
    invoiceId: string | null;
    paymentId: string;
    customerId: string;
    confirmationMessageId: string;
  };
  failure?: RunFailureView;
}

export interface RunFailureView {
  message: string;
  type: string | null;
  details?: unknown;
  cause: RunFailureView | null;
}

/** What a test knows of one connector instance: the body of POST /v1/connectors, credentials in clear. */
export interface InstanceSpec {
  kind: 'crm' | 'erp' | 'payment' | 'email';
  vendor: string;
  settings: Record<string, unknown>;
  credentials?: Record<string, unknown>;
}

/** Adds an instance to the suite's deployment: straight into the registry, or through the admin API. */
export type DefineInstance = (name: string, spec: InstanceSpec) => Promise<void>;

export interface Harness {
  db: TestDatabase;
  registry: ConnectorRegistry;
  client: Client;
  /** Defines the instance in the registry's config layer, as connectors.yaml would. */
  define: DefineInstance;
  /** Creates the instance through POST /v1/connectors: credentials encrypted in the database. */
  defineThroughApi: DefineInstance;
  post(input: OrderToCashInput): Promise<{ status: number; body: { workflowId: string; runId: string } }>;
  waitForClose(workflowId: string): Promise<RunView>;
  close(): Promise<void>;
}

/** One worker + API per suite (an API stack); the start* helpers below add the suite's instances to `registry`, which both use. */
export async function startHarness(name: string): Promise<Harness> {
  const stack = await startApiStack({ label: name, env: { JUNCTION_MASTER_KEY: randomBytes(32).toString('base64') } });
  // The suite's orders name their connector instances (input.connectors): that choice needs runs:infrastructure.
  const key = await stack.createKey('shop', ['runs:read', 'runs:write', 'runs:infrastructure']);
  const adminKey = await stack.createKey('ops', ['connectors:write']);
  const call = keyedCall(
    () => stack.api.url,
    () => key,
  );
  const { db, registry } = stack;

  return {
    db,
    registry,
    client: stack.temporal,
    async define(instance, { credentials, ...spec }) {
      registry.defineInstance(instance, { ...spec, ...(credentials ? { credentials: () => credentials } : {}) });
    },
    async defineThroughApi(instance, spec) {
      const reply = await call('POST', '/v1/connectors', { key: adminKey, body: { name: instance, ...spec } });
      if (reply.status !== 201) throw new Error(`POST /v1/connectors ${instance}: ${reply.status} ${reply.text}`);
    },
    post: (input) =>
      call<{ workflowId: string; runId: string }>('POST', '/v1/runs', { body: { type: 'orderToCash', input } }),
    waitForClose: (workflowId) => waitForRun<RunView>(call, workflowId),
    close: () => stack.close(),
  };
}

/** The SKUs of newOrderInput(), in stock at every ERP fake. */
export const ORDER_SKUS = ['SKU-1', 'SKU-2'];

export async function startStripe(define: DefineInstance): Promise<StripeFake> {
  const stripe = await startStripeFake();
  await define('payment.stripe', {
    kind: 'payment',
    vendor: 'stripe',
    settings: { baseUrl: stripe.url, timeoutMs: 5000 },
    credentials: { secretKey: stripe.secretKey },
  });
  return stripe;
}

export async function startSendGrid(define: DefineInstance): Promise<SendGridFake> {
  const sendgrid = await startSendGridFake();
  await define('email.sendgrid', {
    kind: 'email',
    vendor: 'sendgrid',
    settings: { baseUrl: sendgrid.url, from: 'Shop <no-reply@shop.example>', timeoutMs: 5000 },
    credentials: { apiKey: 'SG.fake-key' },
  });
  return sendgrid;
}

export async function startSmtp(define: DefineInstance): Promise<SmtpSink> {
  const smtp = await startSmtpSink();
  await define('email.smtp', {
    kind: 'email',
    vendor: 'smtp',
    settings: { url: smtp.url, from: 'Shop <no-reply@shop.example>' },
  });
  return smtp;
}

export async function startHubSpot(define: DefineInstance): Promise<HubSpotFake> {
  const hubspot = await HubSpotFake.start();
  await define('crm.hubspot', {
    kind: 'crm',
    vendor: 'hubspot',
    settings: { baseUrl: hubspot.url, timeoutMs: 5000 },
    credentials: { accessToken: hubspot.token },
  });
  return hubspot;
}

export async function startSalesforce(define: DefineInstance): Promise<SalesforceFake> {
  const salesforce = await SalesforceFake.start();
  await define('crm.salesforce', {
    kind: 'crm',
    vendor: 'salesforce',
    settings: { instanceUrl: salesforce.url, timeoutMs: 5000 },
    credentials: { ...clientCredentials(salesforce) },
  });
  return salesforce;
}

export async function startSap(define: DefineInstance): Promise<SapODataFake> {
  const sap = await new SapODataFake({ username: 'JUNCTION_COMM', password: 'geheim', client: '100' }).start();
  for (const Material of ORDER_SKUS) {
    sap.store.stock.push({
      Material,
      Plant: '1010',
      StorageLocation: '101A',
      InventoryStockType: '01',
      InventorySpecialStockType: '',
      MatlWrhsStkQtyInMatlBaseUnit: '100',
    });
  }
  await define('erp.sap', {
    kind: 'erp',
    vendor: 'sap-s4hana',
    settings: {
      baseUrl: sap.url,
      client: '100',
      username: 'JUNCTION_COMM',
      salesOrder: { salesOrganization: '1010', distributionChannel: '10', division: '00' },
      customer: { country: 'DE' },
    },
    credentials: { password: 'geheim' },
  });
  return sap;
}

export async function startBusinessCentral(
  define: DefineInstance,
): Promise<{ bc: BusinessCentralFake; close(): Promise<void> }> {
  const credentials = { clientId: 'junction-s2s', clientSecret: 'geheim' };
  const companyId = randomUUID();
  const tokens = await new FakeOAuthTokenServer({
    clients: { [credentials.clientId]: credentials.clientSecret },
  }).start();
  const bc = await new BusinessCentralFake({
    companyId,
    isValidToken: (token) => token !== undefined && tokens.isValid(token),
  }).start();
  for (const sku of ORDER_SKUS) bc.store.addItem(sku, 100);
  await define('erp.bc', {
    kind: 'erp',
    vendor: 'business-central',
    settings: {
      tenantId: 'contoso.onmicrosoft.com',
      environment: 'production',
      companyId,
      baseUrl: bc.apiRoot,
      tokenUrl: tokens.tokenUrl,
      localCurrency: 'EUR',
    },
    credentials,
  });
  return {
    bc,
    async close() {
      await bc.close();
      await tokens.close();
    },
  };
}

export async function startOdoo(define: DefineInstance): Promise<OdooFake> {
  const odoo = await OdooFake.start();
  for (const sku of ORDER_SKUS) odoo.seedProduct(sku, 100);
  await define('erp.odoo', {
    kind: 'erp',
    vendor: 'odoo',
    settings: { baseUrl: odoo.url, db: odoo.db, login: odoo.login, timeoutMs: 5000 },
    credentials: { apiKey: odoo.apiKey },
  });
  return odoo;
}
