import { expect } from 'chai';
import { listAuditQuerySchema } from '../../server/api/audit/audit.schemas';
import { NO_CONTROL_CHARACTERS } from '../../server/api/no-control-characters';
import { apiSections } from '../../server/api/openapi/api-sections';

describe('API query validation (found by the fuzzer, test/fuzz/)', () => {
  it('GET /v1/audit: a valid from with an invalid to (and the reverse) is a 400 field error, not a TypeError', () => {
    for (const query of [
      { from: '2030-01-01T00:00:00Z', to: 'not-a-date' },
      { from: 'null', to: '2030-01-01T00:00:00Z' },
    ]) {
      const parsed = listAuditQuerySchema.safeParse(query);
      expect(parsed.success).to.equal(false);
    }
    const reversed = listAuditQuerySchema.safeParse({ from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' });
    expect(reversed.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['to']);
  });

  it('refuses exactly the control characters (Unicode category Cc), as /\\p{Cc}/u does, in a pattern generators can use', () => {
    const cc = /\p{Cc}/u;
    for (let code = 0; code <= 0xffff; code += 1) {
      const text = `a${String.fromCharCode(code)}b`;
      expect(NO_CONTROL_CHARACTERS.test(text), `U+${code.toString(16)}`).to.equal(!cc.test(text));
    }
    expect(NO_CONTROL_CHARACTERS.source).to.not.contain('\\p{');
  });

  it('documents the intake and codec routes only when they are mounted', () => {
    const paths = (options: Parameters<typeof apiSections>[0]) => apiSections(options).flatMap((s) => Object.keys(s));
    expect(paths({ intake: false, codec: false })).to.not.include.members(['/v1/dead-letters', '/codec/decode']);
    expect(paths({ intake: true, codec: true })).to.include.members(['/v1/dead-letters', '/codec/decode']);
  });
});
