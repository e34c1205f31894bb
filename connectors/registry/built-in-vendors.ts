import { z } from 'zod';
import { LOCAL_SMTP_URL, type Config } from '../../config';
import { sendgridVendor } from '../email/sendgrid';
import { SmtpEmailConnector } from '../email/smtp/smtp.connector';
import { smtpSettingsProblems, smtpSettingsSchema } from '../email/smtp/smtp.settings';
import { sandboxSettingsSchema } from '../sandbox/sandbox-connector-base';
import { hubspotVendor } from '../crm/hubspot';
import { salesforceVendor } from '../crm/salesforce';
import { businessCentralVendor } from '../erp/business-central';
import { odooVendor } from '../erp/odoo';
import { sapS4hanaVendor } from '../erp/sap-s4hana';
import { genericHttpVendor } from '../generic-http';
import { stripeVendor } from '../payment/stripe';
import { SandboxCrmConnector } from '../sandbox/sandbox-crm.connector';
import { SandboxErpConnector } from '../sandbox/sandbox-erp.connector';
import { SandboxPaymentConnector } from '../sandbox/sandbox-payment.connector';
import type { Credentials } from '../vault';
import type { ConnectorInstanceDefinition, VendorRegistration } from './registry-types';

/** SMTP AUTH; optional, since a relay may accept the sender by network. */
export const smtpCredentialsSchema = z
  .object({
    username: z.string().min(1).max(255),
    password: z.string().min(1).max(1024),
  })
  .optional();

/** Credentials kept apart from the settings are put into the URL nodemailer connects with. */
function smtpSettingsWithCredentials(
  settings: Record<string, unknown>,
  credentials: Credentials,
): Record<string, unknown> {
  const { username, password } = credentials;
  if (typeof username !== 'string' || typeof password !== 'string' || typeof settings.url !== 'string') return settings;
  const url = new URL(settings.url);
  url.username = username;
  url.password = password;
  return { ...settings, url: url.toString() };
}

/** Demo vendors keeping their records in MySQL: for the zero-config `npm start` and tests, never production. */
const SANDBOX_VENDORS: readonly VendorRegistration[] = [
  {
    kind: 'crm',
    vendor: 'sandbox',
    settingsSchema: sandboxSettingsSchema,
    create: ({ name, settings }, { sandbox }) => new SandboxCrmConnector(name, sandbox, settings),
  },
  {
    kind: 'erp',
    vendor: 'sandbox',
    settingsSchema: sandboxSettingsSchema,
    create: ({ name, settings }, { sandbox }) => new SandboxErpConnector(name, sandbox, settings),
  },
  {
    kind: 'payment',
    vendor: 'sandbox',
    settingsSchema: sandboxSettingsSchema,
    create: ({ name, settings }, { sandbox }) => new SandboxPaymentConnector(name, sandbox, settings),
  },
];

/** The vendors Junction ships with, as data: adding one is a line here, not a branch in resolve. */
const VENDORS: readonly VendorRegistration[] = [
  {
    kind: 'email',
    vendor: 'smtp',
    settingsSchema: smtpSettingsSchema,
    credentialsSchema: smtpCredentialsSchema,
    settingsProblems: smtpSettingsProblems,
    create: ({ name, settings, credentials }, { outbox }) =>
      new SmtpEmailConnector(name, smtpSettingsWithCredentials(settings, credentials), outbox),
  },
  sendgridVendor,
  stripeVendor,
  sapS4hanaVendor,
  businessCentralVendor,
  odooVendor,
  hubspotVendor,
  salesforceVendor,
  genericHttpVendor,
];

/** Every built-in vendor, the sandboxes included. */
export const BUILT_IN_VENDORS: readonly VendorRegistration[] = [...SANDBOX_VENDORS, ...VENDORS];

/**
 * The built-in vendors a process registers: without the sandboxes in production, where a run
 * must never "approve" a payment or book an order in a demo store.
 */
export function builtInVendors(config: Config): readonly VendorRegistration[] {
  return config.env === 'production' ? VENDORS : BUILT_IN_VENDORS;
}

/** The sandbox instances of `npm start`; production defines its own under these names. */
export const SANDBOX_INSTANCE_NAMES = ['crm.main', 'erp.main', 'payment.main'] as const;

/**
 * The instances `npm start` works with and no configuration: sandboxes plus the SMTP relay of
 * SMTP_URL (or the local mail catcher). Production gets email.main only.
 */
export function defaultInstances(config: Config): Record<string, ConnectorInstanceDefinition> {
  const email: ConnectorInstanceDefinition = {
    kind: 'email',
    vendor: 'smtp',
    settings: { url: config.smtp.url ?? LOCAL_SMTP_URL, from: config.smtp.from },
  };
  if (config.env === 'production') return { 'email.main': email };
  return {
    'crm.main': { kind: 'crm', vendor: 'sandbox', settings: {} },
    'erp.main': { kind: 'erp', vendor: 'sandbox', settings: {} },
    'payment.main': { kind: 'payment', vendor: 'sandbox', settings: {} },
    'email.main': email,
  };
}
