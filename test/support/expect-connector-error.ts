import { expect } from 'chai';
import { ConnectorError } from '../../connectors/connector-error';

/** Awaits a call that must fail with a ConnectorError and returns that error. */
export async function connectorFailureOf(call: Promise<unknown>): Promise<ConnectorError> {
  try {
    await call;
  } catch (error) {
    expect(error).to.be.instanceOf(ConnectorError);
    return error as ConnectorError;
  }
  expect.fail('the call should have failed');
}
