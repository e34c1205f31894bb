/**
 * Mocha's configuration. `npm test` runs every suite; `npx mocha <files>` runs just those files
 * (mocha would otherwise add the whole default spec to the files named on the command line).
 */
const SUITES = [
  'test/unit/**/*.test.ts',
  'test/workflows/**/*.test.ts',
  'test/integration/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/contract/**/*.test.ts',
  'test/connectors/**/*.test.ts',
  'test/security/**/*.test.ts',
];

const namesFiles = process.argv.slice(2).some((arg) => !arg.startsWith('-') && /\.ts$|^test\//.test(arg));

module.exports = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  ...(namesFiles ? {} : { spec: SUITES }),
  require: ['test/support/root-hooks.ts'],
  timeout: 60000,
  exit: true,
  reporter: 'spec',
};
