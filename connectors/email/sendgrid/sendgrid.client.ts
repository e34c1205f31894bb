/** SendGrid's v3 Mail Send as a typed call: JSON body, bearer API key, the answer checked. */
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import { bearerToken, createHttpClient, type HttpClient } from '../../http';
import { sendgridManifest } from './sendgrid.manifest';
import { mailSendAcceptedSchema, type MailSendAccepted, type MailSendBody } from './sendgrid.schemas';
import type { SendGridCredentials, SendGridSettings } from './sendgrid.settings';
import { resilienceOptions } from '../../http/resilience-settings';

export function createSendGridHttpClient(
  connector: string,
  settings: SendGridSettings,
  credentials: SendGridCredentials,
): HttpClient {
  return createHttpClient({
    connector,
    baseURL: settings.baseUrl,
    timeoutMs: settings.timeoutMs,
    auth: bearerToken(credentials.apiKey),
    ...resilienceOptions(settings),
  });
}

export class SendGridClient {
  constructor(
    private readonly connector: string,
    private readonly http: HttpClient,
  ) {}

  /** Releases what the HTTP client holds (a Redis connection of its rate limit, breaker timers). */
  close(): Promise<void> {
    return this.http.close();
  }

  /**
   * Hands one message to SendGrid. Failures arrive as ConnectorErrors from the shared client:
   * 400/413 INVALID_REQUEST, 401 UNAUTHORIZED, 403 FORBIDDEN, 429 RATE_LIMITED (X-RateLimit-Reset),
   * 5xx VENDOR_UNAVAILABLE.
   */
  async sendMail(body: MailSendBody): Promise<MailSendAccepted> {
    const response = await this.http.request({
      method: 'POST',
      url: sendgridManifest.sendPath,
      data: body,
      headers: { 'Content-Type': 'application/json' },
    });
    const accepted = mailSendAcceptedSchema.safeParse({
      status: response.status,
      messageId: response.headers[sendgridManifest.messageIdResponseHeader],
    });
    if (accepted.success) return accepted.data;
    const issue = accepted.error.issues[0];
    throw new ConnectorError(
      `${this.connector}: unexpected answer to POST ${sendgridManifest.sendPath} (HTTP ${response.status}, ${issue?.path.join('.') || 'response'}: ${issue?.message ?? 'invalid'})`,
      {
        code: ConnectorErrorCode.VendorUnavailable,
        retryable: false,
        status: response.status,
      },
    );
  }
}
