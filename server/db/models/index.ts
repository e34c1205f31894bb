import type { Sequelize } from 'sequelize';
import { ApiKey } from './api-key.model';
import { AuditEntry } from './audit-entry.model';
import { ConnectorInstance } from './connector-instance.model';
import { EmailOutboxEntry } from './email-outbox.model';
import { EventImport, ImportRejection } from './event-import.model';
import { FlowVersion } from './flow-version.model';
import { InboxEvent } from './inbox-event.model';
import { RunRequest } from './run-request.model';
import { SandboxFault, SandboxRecord } from '../../../connectors/sandbox/sandbox.models';
import { SyncCursor } from './sync-cursor.model';

export { ApiKey, AuditEntry, ConnectorInstance, EmailOutboxEntry, InboxEvent, SandboxFault, SandboxRecord };
export { EventImport, FlowVersion, ImportRejection, RunRequest };

/** Binds every model to the given connection. Call once per process, before any query. */
export function initModels(sequelize: Sequelize) {
  return {
    ApiKey: ApiKey.initModel(sequelize),
    AuditEntry: AuditEntry.initModel(sequelize),
    ConnectorInstance: ConnectorInstance.initModel(sequelize),
    EmailOutboxEntry: EmailOutboxEntry.initModel(sequelize),
    InboxEvent: InboxEvent.initModel(sequelize),
    EventImport: EventImport.initModel(sequelize),
    ImportRejection: ImportRejection.initModel(sequelize),
    FlowVersion: FlowVersion.initModel(sequelize),
    RunRequest: RunRequest.initModel(sequelize),
    SandboxRecord: SandboxRecord.initModel(sequelize),
    SandboxFault: SandboxFault.initModel(sequelize),
    SyncCursor: SyncCursor.initModel(sequelize),
  };
}

export type Models = ReturnType<typeof initModels>;
