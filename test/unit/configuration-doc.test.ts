import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { envSchema } from '../../config/env.schema';

const CONFIGURATION_PAGE = join(__dirname, '..', '..', 'docs', 'configuration.md');

/** A table row whose first cell is one variable name in backticks: `| \`PORT\` | … |`. */
const VARIABLE_ROW = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/;

function documentedVariables(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => VARIABLE_ROW.exec(line.trim())?.[1])
    .filter((name): name is string => name !== undefined);
}

function duplicatesOf(names: readonly string[]): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
}

// The page is what operators read; the schema is what Junction reads. They must not drift apart.
describe('docs/configuration.md', function () {
  it('when compared with the env schema, then it lists exactly its variables, once each', async function () {
    const documented = documentedVariables(await readFile(CONFIGURATION_PAGE, 'utf8'));
    const read = Object.keys(envSchema.shape);

    const missing = read.filter((name) => !documented.includes(name));
    const extra = [...new Set(documented.filter((name) => !read.includes(name)))];
    const duplicated = duplicatesOf(documented);

    const problems = [
      missing.length ? `missing from the page (in config/env.schema.ts): ${missing.join(', ')}` : '',
      extra.length ? `on the page but not in config/env.schema.ts: ${extra.join(', ')}` : '',
      duplicated.length ? `listed more than once: ${duplicated.join(', ')}` : '',
    ].filter((problem) => problem !== '');
    expect(problems, problems.join('; ')).to.deep.equal([]);
  });
});
