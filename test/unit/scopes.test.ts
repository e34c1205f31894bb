import { expect } from 'chai';
import { createKeyBodySchema } from '../../server/api/keys/keys.schemas';
import { InvalidArgumentError } from 'commander';
import { parseScopes } from '../../server/admin/keys-options';
import { readScopes } from '../../server/auth/key-summary';
import { scopesFromClaim } from '../../server/api/auth/oidc-verifier';
import {
  grants,
  grantsAnyProcess,
  grantsProcess,
  isScope,
  parseScope,
  processesGranted,
  scopeProblem,
  type Scope,
} from '../../server/auth/scopes';
import { buildVisibilityQuery } from '../../server/api/runs/visibility-query';

const CATALOG_TYPES = ['orderToCash', 'notificationFanout'];

describe('scope grammar', () => {
  it('when a scope is plain, process-limited or :*, then it parses; :* is the plain scope', () => {
    expect(parseScope('runs:read')).to.deep.equal({ kind: 'plain', scope: 'runs:read' });
    expect(parseScope('runs:infrastructure')).to.deep.equal({ kind: 'plain', scope: 'runs:infrastructure' });
    expect(parseScope('runs:write:orderToCash')).to.deep.equal({
      kind: 'process',
      action: 'runs:write',
      type: 'orderToCash',
    });
    expect(parseScope('runs:read:*')).to.deep.equal({ kind: 'plain', scope: 'runs:read' });
    expect(parseScope('runs:write:*')).to.deep.equal({ kind: 'plain', scope: 'runs:write' });
  });

  it('when a scope is malformed or limits a scope that has no process form, then it is no scope', () => {
    for (const bad of [
      '',
      'runs',
      'runs:',
      'runs:read:',
      'runs:write:*x',
      'runs:write:order to cash',
      'runs:write:1order',
      'runs:write:a:b',
      'schedules:write:orderToCash',
      'admin:orderToCash',
      'runs:infrastructure:orderToCash',
      'RUNS:READ',
      ' runs:read',
      `runs:read:${'a'.repeat(101)}`,
    ]) {
      expect(isScope(bad), bad).to.equal(false);
    }
  });

  it('when admin is held, then every plain and every process scope is granted', () => {
    const admin: Scope[] = ['admin'];
    for (const scope of [
      'runs:read',
      'runs:write',
      'runs:infrastructure',
      'schedules:write',
      'connectors:write',
    ] as const)
      expect(grants(admin, scope), scope).to.equal(true);
    expect(grantsProcess(admin, 'runs:write', 'anything')).to.equal(true);
    expect(processesGranted(admin, 'runs:read')).to.equal('all');
  });

  it('when a key is limited to a process, then it acts on that process only and holds no plain scope', () => {
    const scopes: Scope[] = ['runs:write:orderToCash', 'runs:read:orderToCash'];
    expect(grantsProcess(scopes, 'runs:write', 'orderToCash')).to.equal(true);
    expect(grantsProcess(scopes, 'runs:write', 'notificationFanout')).to.equal(false);
    expect(grantsProcess(scopes, 'runs:read', 'notificationFanout')).to.equal(false);
    expect(grants(scopes, 'runs:write')).to.equal(false);
    expect(grantsAnyProcess(scopes, 'runs:write')).to.equal(true);
    expect(processesGranted(scopes, 'runs:read')).to.deep.equal(['orderToCash']);
    expect(grantsAnyProcess(['schedules:write'], 'runs:write')).to.equal(false);
  });

  it('when a key holds runs:write:* or runs:write, then every process is granted, and write never implies read', () => {
    for (const scope of ['runs:write:*', 'runs:write'] as const) {
      expect(grants([scope], 'runs:write')).to.equal(true);
      expect(grantsProcess([scope], 'runs:write', 'notificationFanout')).to.equal(true);
      expect(grantsProcess([scope], 'runs:read', 'notificationFanout')).to.equal(false);
    }
    expect(grants(['runs:write'], 'runs:infrastructure')).to.equal(false);
  });

  it('when a key is created, then a process scope must name a catalog type, and the problem names the scope', () => {
    expect(scopeProblem('runs:write:orderToCash', CATALOG_TYPES)).to.equal(null);
    expect(scopeProblem('runs:write:*', CATALOG_TYPES)).to.equal(null);
    expect(scopeProblem('runs:write:purchaseAproval', CATALOG_TYPES)).to.contain(
      '"runs:write:purchaseAproval" names no workflow type',
    );
    expect(scopeProblem('runs:delete', CATALOG_TYPES)).to.contain('"runs:delete" is not a scope');
  });
});

describe('scope validation at the edges', () => {
  it('when POST /v1/keys names an unknown type, then the body is refused naming the scope; known types pass', () => {
    const bad = createKeyBodySchema.safeParse({
      name: 'shop',
      scopes: ['runs:read:orderToCash', 'runs:write:noSuchProcess'],
    });
    expect(bad.success).to.equal(false);
    expect(bad.error!.issues[0]).to.deep.include({ path: ['scopes', 1] });
    expect(bad.error!.issues[0]!.message).to.contain('runs:write:noSuchProcess');
    const good = createKeyBodySchema.safeParse({
      name: 'shop',
      scopes: ['runs:read:orderToCash', 'runs:write:orderToCash', 'runs:infrastructure', 'runs:read:*'],
    });
    expect(good.success).to.equal(true);
  });

  it('when junction-admin keys create names process scopes, then known types pass and unknown ones are a usage error naming them', () => {
    expect(parseScopes('runs:write:orderToCash,runs:read:*')).to.deep.equal(['runs:write:orderToCash', 'runs:read:*']);
    expect(() => parseScopes('runs:write:orderToKash')).to.throw(InvalidArgumentError, /runs:write:orderToKash/);
  });

  it('when stored scopes or a token claim hold process scopes, then they are kept and what is not a scope is dropped', () => {
    expect(readScopes('["runs:write:orderToCash","bogus","runs:read:*"]')).to.deep.equal([
      'runs:write:orderToCash',
      'runs:read:*',
    ]);
    expect(
      scopesFromClaim({ scope: 'runs:read:orderToCash runs:write:x:y admin:all runs:infrastructure' }, 'scope'),
    ).to.deep.equal(['runs:read:orderToCash', 'runs:infrastructure']);
  });

  it('when a listing is limited to types, then the visibility query names them, quoted, with IN', () => {
    expect(buildVisibilityQuery({ types: ['orderToCash', "it's"], status: 'RUNNING' })).to.equal(
      "WorkflowType IN ('orderToCash', 'it\\'s') AND ExecutionStatus = 'Running'",
    );
    expect(() => buildVisibilityQuery({ types: [] })).to.throw();
  });
});
