import { configureLogger } from '../../logging/logger';
import { installTemporalRuntime } from '../../server/temporal/runtime';
import { stopPrismMocks } from './prism-mock';
import { stopDevServer } from './temporal-test-servers';

/** Root hooks for every mocha run (.mocharc.cjs `require`). */
export const mochaHooks = {
  beforeAll(): void {
    // Tests provoke failures on purpose; only errors are worth a line in the test output.
    // The SDK's own logs (worker, workflow `log`) go through the same logger, as in production.
    configureLogger({ level: 'error', format: 'json' });
    installTemporalRuntime('error');
  },
  async afterAll(): Promise<void> {
    await Promise.all([stopDevServer(), stopPrismMocks()]);
  },
};
