import { expect } from 'chai';
import { extractVendorMessage } from '../../connectors/http';
import { MAX_VENDOR_MESSAGE_LENGTH } from '../../connectors/http/vendor-message';
import { plainText } from '../../connectors/http/plain-text';

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

describe('vendor messages from error bodies', () => {
  for (const [name, body] of [
    ['80 kB of "<"', '<'.repeat(80_000)],
    ['80 kB of "<a"', '<a'.repeat(40_000)],
    ['80 kB of "<a" with one ">" at the end', `${'<a'.repeat(40_000)}>`],
    [
      'a 10 MB HTML page',
      `<html><body><h1>Gateway Timeout</h1>${'<div class="x">filler</div>'.repeat(400_000)}</body></html>`,
    ],
  ] as const) {
    it(`when the body is ${name}, then it is described at once (a pathological regex took 14 s here) and the message stays bounded`, () => {
      extractVendorMessage('<p>warm-up</p>');
      const { value, ms } = timed(() => extractVendorMessage(body));
      expect(ms, 'ms to describe; a backtracking regex took 14,000').to.be.below(1_000);
      expect(value?.length ?? 0).to.be.at.most(MAX_VENDOR_MESSAGE_LENGTH);
      expect(value ?? '').not.to.match(/[<>]/);
    });
  }

  it('reads an HTML error page as its text, without markup', () => {
    expect(
      extractVendorMessage(
        '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>upstream <b>down</b></p></body></html>',
      ),
    ).to.equal('502 Bad Gateway Bad Gateway upstream down');
  });

  it('keeps reading the usual JSON error shapes', () => {
    expect(extractVendorMessage({ error: { message: 'Your card was declined.' } })).to.equal('Your card was declined.');
    expect(extractVendorMessage('{"error":"invalid_grant","error_description":"expired"}')).to.equal(
      'invalid_grant: expired',
    );
  });

  it('drops control and format characters, URL passwords and secret query parameters', () => {
    const text = plainText(
      'Bad\u0000 request\u001b[31m to https://user:hunter2@api.example/v1?access_token=at_123&page=2 \u202Eevil',
      200,
    );
    expect(text).to.equal('Bad request [31m to https://***@api.example/v1?access_token=***&page=2 evil');
  });

  it('cuts long text to the bound with an ellipsis', () => {
    const text = plainText('word '.repeat(100), 20);
    expect(text).to.have.length.at.most(20);
    expect(text).to.match(/…$/);
  });
});
