import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { hmacSignatureVerifier } from '../../server/intake/signature/hmac-signature';
import { sharedSecretVerifier } from '../../server/intake/signature/shared-secret';
import type { SignedRequest } from '../../server/intake/signature/signature-verifier';
import { stripeSignatureVerifier } from '../../server/intake/signature/stripe-signature';

const BODY = Buffer.from('{"id":"evt_1","amount":4200}', 'utf8');
const NOW = new Date('2026-11-24T09:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);

function request(headers: Record<string, string>, rawBody = BODY, now = NOW): SignedRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { header: (name) => lower[name.toLowerCase()], rawBody, now };
}

const hmac = (secret: string, data: string | Buffer) => createHmac('sha256', secret).update(data).digest();

describe('intake signature schemes', () => {
  describe('hmac-sha256 (Shopify, GitHub)', () => {
    const shopify = hmacSignatureVerifier({
      header: 'X-Shopify-Hmac-Sha256',
      encoding: 'base64',
      prefix: '',
      secrets: ['old-secret', 'shop-secret'],
    });
    const github = hmacSignatureVerifier({
      header: 'X-Hub-Signature-256',
      encoding: 'hex',
      prefix: 'sha256=',
      secrets: ['gh-secret'],
    });

    it('accepts the base64 digest of the raw body under any configured secret, with the header in any case', () => {
      expect(
        shopify.verify(request({ 'x-shopify-hmac-sha256': hmac('shop-secret', BODY).toString('base64') })),
      ).to.equal(null);
      expect(
        shopify.verify(request({ 'X-Shopify-Hmac-Sha256': hmac('old-secret', BODY).toString('base64') })),
      ).to.equal(null);
    });

    it('refuses another secret, another body, a truncated digest, garbage and a missing header, saying which', () => {
      const signature = hmac('shop-secret', BODY).toString('base64');
      expect(shopify.verify(request({ 'X-Shopify-Hmac-Sha256': hmac('guess', BODY).toString('base64') }))).to.contain(
        'does not match',
      );
      expect(
        shopify.verify(request({ 'X-Shopify-Hmac-Sha256': signature }, Buffer.from(`${BODY.toString()} `))),
      ).to.contain('does not match');
      expect(shopify.verify(request({ 'X-Shopify-Hmac-Sha256': signature.slice(0, 20) }))).to.contain(
        'not a base64 HMAC-SHA256 digest',
      );
      expect(shopify.verify(request({ 'X-Shopify-Hmac-Sha256': 'not base64 at all!' }))).to.contain('not a base64');
      expect(shopify.verify(request({}))).to.equal('The X-Shopify-Hmac-Sha256 header is missing.');
    });

    it('reads a prefixed hex digest in either case, and refuses it without the prefix', () => {
      const hex = hmac('gh-secret', BODY).toString('hex');
      expect(github.verify(request({ 'X-Hub-Signature-256': `sha256=${hex}` }))).to.equal(null);
      expect(github.verify(request({ 'X-Hub-Signature-256': `sha256=${hex.toUpperCase()}` }))).to.equal(null);
      expect(github.verify(request({ 'X-Hub-Signature-256': hex }))).to.contain('must start with "sha256="');
    });
  });

  describe('stripe', () => {
    const stripe = stripeSignatureVerifier({
      header: 'Stripe-Signature',
      secrets: ['whsec_current'],
      toleranceSeconds: 300,
    });
    const v1 = (secret: string, t: number, body: Buffer = BODY) =>
      hmac(secret, Buffer.concat([Buffer.from(`${t}.`), body])).toString('hex');

    it('accepts t=…,v1=… signed over "<t>.<raw body>", among several v1 and a v0', () => {
      expect(stripe.verify(request({ 'Stripe-Signature': `t=${T},v1=${v1('whsec_current', T)}` }))).to.equal(null);
      expect(
        stripe.verify(
          request({
            'Stripe-Signature': `t=${T},v1=${v1('whsec_other', T)},v1=${v1('whsec_current', T)},v0=${'0'.repeat(64)}`,
          }),
        ),
      ).to.equal(null);
    });

    it('accepts a timestamp up to the tolerance away and refuses one past it, even correctly signed', () => {
      const edge = T - 300;
      expect(stripe.verify(request({ 'Stripe-Signature': `t=${edge},v1=${v1('whsec_current', edge)}` }))).to.equal(
        null,
      );
      const stale = T - 301;
      expect(stripe.verify(request({ 'Stripe-Signature': `t=${stale},v1=${v1('whsec_current', stale)}` }))).to.equal(
        'The Stripe-Signature timestamp is more than 300 s from now.',
      );
      const future = T + 301;
      expect(
        stripe.verify(request({ 'Stripe-Signature': `t=${future},v1=${v1('whsec_current', future)}` })),
      ).to.contain('more than 300 s');
    });

    it('refuses a signature of another timestamp, another body or another secret, and a header without t or v1', () => {
      expect(stripe.verify(request({ 'Stripe-Signature': `t=${T},v1=${v1('whsec_current', T - 1)}` }))).to.contain(
        'No v1 signature',
      );
      expect(
        stripe.verify(request({ 'Stripe-Signature': `t=${T},v1=${v1('whsec_current', T, Buffer.from('{}'))}` })),
      ).to.contain('No v1 signature');
      expect(stripe.verify(request({ 'Stripe-Signature': `t=${T},v1=${v1('whsec_guess', T)}` }))).to.contain(
        'No v1 signature',
      );
      expect(stripe.verify(request({ 'Stripe-Signature': `v1=${v1('whsec_current', T)}` }))).to.contain('no timestamp');
      expect(stripe.verify(request({ 'Stripe-Signature': `t=${T},v0=${v1('whsec_current', T)}` }))).to.contain(
        'no v1 signature',
      );
      expect(stripe.verify(request({}))).to.contain('missing');
    });
  });

  describe('shared-secret', () => {
    const token = sharedSecretVerifier({ header: 'Authorization', prefix: 'Bearer ', secrets: ['portal-token'] });

    it('accepts the configured secret after the prefix and nothing else', () => {
      expect(token.verify(request({ Authorization: 'Bearer portal-token' }))).to.equal(null);
      expect(token.verify(request({ Authorization: 'Bearer portal-token-2' }))).to.contain('not the configured one');
      expect(token.verify(request({ Authorization: 'Bearer portal-toke' }))).to.contain('not the configured one');
      expect(token.verify(request({ Authorization: 'portal-token' }))).to.contain('must start with "Bearer "');
      expect(token.verify(request({}))).to.contain('missing');
    });
  });
});
