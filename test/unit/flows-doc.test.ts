import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { CONNECTOR_FUNCTIONS } from '../../server/flows/connector-functions';
import { FLOW_ISSUE_RULES } from '../../server/flows/flow-issue';
import { MAX_FLOW_NESTING_DEPTH, MAX_FLOW_TASKS, MAX_FOR_CONCURRENCY } from '../../server/flows/flow-limits';
import { jqExpressionChecker } from '../../server/flows/jq/jq-expression-checker';
import { parseFlowDocument } from '../../server/flows/parse-flow-document';
import { validateFlow } from '../../server/flows/validate-flow';
import { MAX_FOR_ITEMS } from '../../workflows/flow/flow-run-limits';

const FLOWS_PAGE = join(__dirname, '..', '..', 'docs', 'flows.md');

/** The zero-config stack's instances, which the page's examples name. */
const DEFAULT_INSTANCES = {
  crm: ['crm.main'],
  erp: ['erp.main'],
  payment: ['payment.main'],
  email: ['email.main'],
  http: ['http.billing'],
};

/** The cells of the table rows whose first cell is one name in backticks matching `first`. */
function tableRows(markdown: string, first: RegExp): string[][] {
  return markdown
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    )
    .filter((cells) => first.test(cells[0] ?? ''));
}

/** How the catalog table writes one function: `` `contact` ``, `` `cursor?` ``; yes/no; what undoes it. */
function catalogRow(name: string): string[] {
  const fn = CONNECTOR_FUNCTIONS.get(name);
  if (!fn) throw new Error(`${name} is no connector function`);
  return [
    `\`${name}\``,
    fn.parameters.map((parameter) => `\`${parameter.name}${parameter.required ? '' : '?'}\``).join(', '),
    fn.sideEffecting ? 'yes' : 'no',
    fn.compensatedBy.length > 0 ? fn.compensatedBy.map((undo) => `\`${undo}\``).join(', ') : '—',
  ];
}

/** The page's complete flow documents: YAML code blocks that start with `document:`. */
function flowDocuments(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .filter((block) => block.startsWith('document:') && /^do:/m.test(block));
}

/**
 * The page's task examples (YAML blocks that start with `- <name>:`) as flows of their own. An
 * example may name tasks around it (a `then` target, a compensation) or elide a value (`…`); the
 * rest must publish as written.
 */
function taskExamples(markdown: string): { name: string; text: string }[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .filter((block) => block.startsWith('- ') && !block.includes('…'))
    .map((block) => ({
      name: block.split('\n', 1)[0] ?? '',
      text: `document: { dsl: '1.0.0', namespace: docs, name: example, version: '1.0.0' }\ndo:\n${block.replace(/^/gm, '  ')}`,
    }));
}

const NAMES_TASKS_AROUND = new Set(['unknown-then']);

// The page teaches the catalog, the rules and the examples; the code is what runs. They must not drift apart.
describe('docs/flows.md', function () {
  let page: string;

  before(async () => {
    page = await readFile(FLOWS_PAGE, 'utf8');
  });

  it('when compared with the connector function catalog, then it lists every function once, with its with arguments, writes and undoers', () => {
    const documented = tableRows(page, /^`(crm|erp|email|payment)\.\w+`$/);
    const expected = [...CONNECTOR_FUNCTIONS.keys()].map(catalogRow);
    expect(documented).to.deep.equal(expected);
  });

  it('when compared with the publish rules, then it explains every rule', () => {
    const documented = tableRows(page, /^`[a-z-]+`$/).map((cells) => cells[0]?.slice(1, -1));
    const missing = FLOW_ISSUE_RULES.filter((rule) => !documented.includes(rule));
    expect(missing, `rules missing from the page: ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('states the limits the code enforces', () => {
    expect(page).to.include(`more than ${MAX_FLOW_TASKS} tasks`);
    expect(page).to.include(`more than ${MAX_FLOW_NESTING_DEPTH} deep`);
    expect(page).to.include(`\`metadata.concurrency\` over ${MAX_FOR_CONCURRENCY}`);
    expect(page).to.include(`at most ${MAX_FOR_ITEMS.toLocaleString('en')} items`);
  });

  it('when its complete flows are validated against the zero-config instances, then every one publishes', async () => {
    const checkExpression = await jqExpressionChecker();
    const documents = flowDocuments(page);
    expect(documents, 'the tutorial flow and the first example').to.have.length.of.at.least(2);
    for (const text of documents) {
      const parsed = parseFlowDocument(text, 'application/yaml');
      expect(parsed.ok, JSON.stringify(parsed)).to.equal(true);
      if (!parsed.ok) continue;
      const validation = validateFlow(parsed.document, { connectorInstances: DEFAULT_INSTANCES, checkExpression });
      expect(validation.ok, JSON.stringify(validation.ok ? null : validation.issues)).to.equal(true);
    }
  });

  it('when its task examples are validated inside a flow, then none breaks a rule of its own', async () => {
    const checkExpression = await jqExpressionChecker();
    const examples = taskExamples(page);
    expect(examples).to.have.length.of.at.least(10);
    for (const { name, text } of examples) {
      const parsed = parseFlowDocument(text, 'application/yaml');
      expect(parsed.ok, `${name} ${JSON.stringify(parsed)}`).to.equal(true);
      if (!parsed.ok) continue;
      const validation = validateFlow(parsed.document, { connectorInstances: DEFAULT_INSTANCES, checkExpression });
      const issues = validation.ok ? [] : validation.issues.filter((issue) => !NAMES_TASKS_AROUND.has(issue.rule));
      expect(issues, `${name} ${JSON.stringify(issues)}`).to.deep.equal([]);
    }
  });
});
