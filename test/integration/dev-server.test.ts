import { Connection } from '@temporalio/client';
import { expect } from 'chai';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/shared/search-attributes';
import { createTimeSkippingEnv, getDevServer } from '../support/temporal-test-servers';

describe('shared Temporal dev server (test support)', function () {
  let connection: Connection;
  let namespace: string;

  before(async function () {
    const server = await getDevServer();
    namespace = server.namespace;
    connection = await Connection.connect({ address: server.address });
  });

  after(async function () {
    await connection?.close();
  });

  it('when asked twice, then it hands out the same server', async function () {
    const [first, second] = await Promise.all([getDevServer(), getDevServer()]);
    expect(second).to.deep.equal(first);
  });

  it('serves the namespace it reports', async function () {
    const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace });
    expect(namespaceInfo?.name).to.equal(namespace);
  });

  it('has every custom search attribute registered with its type', async function () {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(customAttributes ?? {})).to.include.members(Object.keys(CUSTOM_SEARCH_ATTRIBUTES));
    // temporal.api.enums.v1.IndexedValueType: KEYWORD = 2, DOUBLE = 4.
    const expectedCodes = { Keyword: 2, Double: 4 } as const;
    for (const [name, type] of Object.entries(CUSTOM_SEARCH_ATTRIBUTES)) {
      expect(customAttributes?.[name], name).to.equal(expectedCodes[type]);
    }
  });
});

describe('time-skipping environment (test support)', function () {
  it('comes with every custom search attribute registered', async function () {
    const env = await createTimeSkippingEnv();
    try {
      // The test server lists nothing (ListSearchAttributes is unimplemented there), so probe
      // by adding again: an attribute that is already there is refused as ALREADY_EXISTS.
      for (const name of Object.keys(CUSTOM_SEARCH_ATTRIBUTES)) {
        const outcome = await env.connection.operatorService
          .addSearchAttributes({ namespace: 'default', searchAttributes: { [name]: 2 } })
          .then(
            () => 'added',
            (error: Error) => error.message,
          );
        expect(outcome, name).to.match(/ALREADY_EXISTS/);
      }
    } finally {
      await env.teardown();
    }
  });
});
