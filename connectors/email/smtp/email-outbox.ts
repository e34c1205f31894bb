/**
 * The outbox moved to ../email-outbox.ts (SMTP and SendGrid share it). This re-export keeps
 * test/integration/smtp-connector.test.ts importing from here; drop it once that import moves.
 */
export { messageIdFor } from '../email-outbox';
