import { expect } from 'chai';
import { ConfigError } from '../../config';
import { mapEvent, type InputPreparation } from '../../server/intake/event-mapping';
import { parseEventSourcesFile } from '../../server/intake/event-sources-file';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { intakeRecorderProcess } from '../support/intake-recorder.process';
import { refusal } from '../support/expect-app-error';

const catalog = [...PROCESS_CATALOG, intakeRecorderProcess('unit')];
const ENV = { PORTAL_TOKEN: 'portal-token' };
const noDeployment: InputPreparation = {
  connectorDefaults: {},
  deployment: { unsupportedOperations: () => undefined },
};

const portal = (process: string) => `
sources:
  procurement-portal:
    signature: { scheme: shared-secret, header: Authorization, prefix: 'Bearer ', secret: '\${PORTAL_TOKEN}' }
    eventId: { path: eventId }
    process: ${process}
`;
const APPROVALS =
  "{ type: purchaseApproval, mode: update, update: approve, businessKey: requestId, argument: decision, workflowId: 'purchase-{businessKey}'";

function problemsOf(text: string): string[] {
  try {
    parseEventSourcesFile(text, ENV, catalog, 'test.yaml');
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  expect.fail('expected a ConfigError');
}

describe('event sources delivering a person’s decision (catalog actor)', () => {
  it('when a source delivers approve without declaring where the person is, then the file is refused naming the source and field', () => {
    const problems = problemsOf(portal(`${APPROVALS} }`));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(
      /^test\.yaml: sources\.procurement-portal\.process\.actor: "approve" is a person's decision \(its approver\); declare where the signed event names that person, e\.g\. actor: \{ path: decision\.approver \}/,
    );
  });

  it('when a source declares an actor for a message or mode that has none, then the file is refused', () => {
    expect(
      problemsOf(
        portal(
          "{ type: intakeRecorder, mode: signal, signal: recordEvent, businessKey: key, workflowId: 'unit-{businessKey}', actor: { path: by } }",
        ),
      ),
    ).to.deep.equal([
      'test.yaml: sources.procurement-portal.process.actor: "recordEvent" is no person\'s decision, so there is no actor to declare',
    ]);
    expect(
      problemsOf(portal('{ type: orderToCash, mode: start, businessKey: orderId, actor: { path: by } }')),
    ).to.deep.equal([
      'test.yaml: sources.procurement-portal.process.actor: this mode sends no message, so there is no actor to declare',
    ]);
    expect(problemsOf(portal(`${APPROVALS}, actor: { path: 'a..b' } }`))[0]).to.match(
      /^test\.yaml: sources\.procurement-portal\.process\.actor\.path: "a\.\.b" is not a path/,
    );
  });

  describe('mapping an event of a source that declares its actor', () => {
    const [source] = parseEventSourcesFile(portal(`${APPROVALS}, actor: { path: signedInUser.email } }`), ENV, catalog);
    const event = (decision: Record<string, unknown>, signedInUser: unknown = { email: 'alan@example.com' }) => ({
      eventId: 'e-1',
      requestId: 'PR-1',
      signedInUser,
      decision,
    });

    it('when the event names the person at the actor path, then the update argument carries that person', () => {
      const mapped = mapEvent(source!, event({ comment: 'ok' }), 'e-1', noDeployment);
      expect(mapped.command).to.deep.include({
        mode: 'update',
        workflowId: 'purchase-PR-1',
        message: { name: 'approve', arg: { comment: 'ok', approver: 'alan@example.com' } },
      });
      const same = mapEvent(source!, event({ approver: 'ALAN@example.com' }), 'e-1', noDeployment);
      expect(same.command.message?.arg).to.deep.equal({ approver: 'alan@example.com' });
    });

    it('when the argument names someone else or the actor path is empty, then 400 naming the field and nothing is accepted', () => {
      const other = refusal(() => mapEvent(source!, event({ approver: 'ada@example.com' }), 'e-1', noDeployment));
      expect(other.status).to.equal(400);
      expect(other.errors).to.deep.equal([
        {
          field: 'decision.approver',
          message: "must be the person at signedInUser.email (the source's actor), or left out",
        },
      ]);
      const nobody = refusal(() => mapEvent(source!, event({}, {}), 'e-1', noDeployment));
      expect(nobody.errors).to.deep.equal([
        { field: 'signedInUser.email', message: 'must name the person deciding "approve" (the source\'s actor path)' },
      ]);
    });
  });
});
