/**
 * SendGrid as data. Facts from the v3 Mail Send reference and the spec in
 * ../shared/vendor-specs/sendgrid/tsg_mail_v3.json.
 */
export const sendgridManifest = {
  kind: 'email',
  vendor: 'sendgrid',
  auth: { mode: 'bearer', credential: 'apiKey', description: 'An API key (SG.…) with the Mail Send permission' },
  /** https://api.eu.sendgrid.com for EU regional subusers. */
  baseUrl: 'https://api.sendgrid.com',
  /** Where an API key may be sent: the global and the EU regional API (connectors/registry/destination-rules.ts). */
  hosts: ['api.sendgrid.com', 'api.eu.sendgrid.com'],
  sendPath: '/v3/mail/send',
  /**
   * SendGrid has no idempotency header: exactly-once comes from the email outbox
   * (../email-outbox.ts). The key also travels as a custom arg, so SendGrid's activity feed and
   * event webhook name the send it belongs to, and a Message-ID derived from it lets receivers
   * drop a resend after a crash.
   */
  idempotency: { mode: 'outbox', customArg: 'junction_idempotency_key', messageIdHeader: 'Message-ID' },
  /** 202 Accepted names the message in this header (200 answers a sandbox-mode send). */
  messageIdResponseHeader: 'x-message-id',
  /** Nothing to page: the connector only sends. */
  paging: null,
  /** 429 with X-RateLimit-Reset in epoch seconds; the shared HTTP client turns it into retryAfterMs. */
  rateLimit: {
    status: 429,
    resetHeader: 'X-RateLimit-Reset',
    limitHeader: 'X-RateLimit-Limit',
    remainingHeader: 'X-RateLimit-Remaining',
  },
} as const;
