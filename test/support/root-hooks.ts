import { stopDevServer } from './temporal-test-servers';

/** Root hooks for every mocha run (.mocharc.json `require`). */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopDevServer();
  },
};
