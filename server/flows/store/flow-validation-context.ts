import type { ConnectorRegistry } from '../../../connectors/registry';
import type { ConnectorInstancesByKind } from '../connector-calls';
import { jqExpressionChecker } from '../jq/jq-expression-checker';
import type { ExpressionSyntaxChecker } from '../expression-syntax';
import type { FlowValidationContext } from '../validate-flow';

/**
 * The validation context of this deployment: the connector instances its registry knows now
 * (connectors.yaml, the database, the API's changes), and real jq's syntax check (loaded once).
 */
export function registryValidationContext(
  registry: Pick<ConnectorRegistry, 'listInstances'>,
): () => Promise<FlowValidationContext> {
  let checker: Promise<ExpressionSyntaxChecker> | null = null;
  return async () => {
    checker ??= jqExpressionChecker();
    const byKind: Record<string, string[]> = {};
    for (const instance of registry.listInstances()) (byKind[instance.kind] ??= []).push(instance.name);
    return { connectorInstances: byKind as ConnectorInstancesByKind, checkExpression: await checker };
  };
}
