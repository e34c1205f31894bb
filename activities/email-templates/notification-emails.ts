import type { EmailMessage } from '../../connectors/spi';
import type {
  NotificationMessage,
  NotificationRecipient,
} from '../../workflows/notification-fanout/notification-fanout.types';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** {{name}} and {{email}}, nothing else: a notification is not a templating language. */
function fill(template: string, recipient: NotificationRecipient, escape: (text: string) => string): string {
  return template.replace(/\{\{\s*(name|email)\s*\}\}/g, (_match, field: string) =>
    escape(field === 'name' ? (recipient.name ?? recipient.email) : recipient.email),
  );
}

/** One recipient's copy of the notification; names are HTML-escaped in the HTML body only. */
export function notificationEmail(message: NotificationMessage, recipient: NotificationRecipient): EmailMessage {
  const plain = (text: string) => text.replace(/[\r\n]+/g, ' ');
  return {
    to: [recipient.email],
    subject: fill(message.subject, recipient, plain),
    text: fill(message.text, recipient, (text) => text),
    ...(message.html !== undefined ? { html: fill(message.html, recipient, escapeHtml) } : {}),
  };
}
