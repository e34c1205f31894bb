import { expect } from 'chai';
import { canonicalJson, contentHashOf } from '../../server/flows/store/canonical-json';
import { compileInputSchema } from '../../server/flows/store/flow-input-schema';
import { compareVersions, newestFirst } from '../../server/flows/store/semver-order';

describe('flow store helpers', () => {
  it('orders versions by semver precedence, newest first (1.10.0 after 1.9.0; a release after its pre-releases)', () => {
    expect(newestFirst(['1.0.0', '1.10.0', '1.9.0', '1.10.0-rc.1', '1.10.0-alpha', '0.9.9'])).to.deep.equal([
      '1.10.0',
      '1.10.0-rc.1',
      '1.10.0-alpha',
      '1.9.0',
      '1.0.0',
      '0.9.9',
    ]);
    expect(compareVersions('1.0.0-alpha.2', '1.0.0-alpha.10')).to.equal(-1);
    expect(compareVersions('1.0.0+build.1', '1.0.0')).to.equal(0);
  });

  it('hashes the canonical JSON: key order does not change the content hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).to.equal(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
    expect(contentHashOf({ a: 1, b: 2 })).to.equal(contentHashOf({ b: 2, a: 1 }));
    expect(contentHashOf({ a: 1 })).to.not.equal(contentHashOf({ a: 2 }));
  });

  it('checks an input against a flow input schema, naming missing and wrong fields by path', () => {
    const compiled = compileInputSchema({
      type: 'object',
      required: ['order'],
      properties: {
        order: {
          type: 'object',
          required: ['id'],
          properties: { lines: { type: 'array', items: { type: 'number' } } },
        },
      },
    });
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.check({ order: { id: 'A', lines: [1, 2] } })).to.deep.equal([]);
    expect(compiled.check({ order: { lines: [1, 'x'] } })).to.have.deep.members([
      { path: ['order', 'id'], message: 'is required' },
      { path: ['order', 'lines', 1], message: 'must be number' },
    ]);
    expect(compileInputSchema({ type: 'objekt' }).ok).to.equal(false);
  });

  it('checks the standard formats of a flow input schema (email, date-time)', () => {
    const compiled = compileInputSchema({
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, at: { type: 'string', format: 'date-time' } },
    });
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.check({ email: 'ada@example.com', at: '2026-12-08T10:00:00Z' })).to.deep.equal([]);
    expect(compiled.check({ email: 'not an address', at: 'yesterday' })).to.have.deep.members([
      { path: ['email'], message: 'must match format "email"' },
      { path: ['at'], message: 'must match format "date-time"' },
    ]);
  });
});
