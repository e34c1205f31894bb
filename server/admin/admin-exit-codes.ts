/**
 * Exit codes of `junction-admin`: the ops CLI's (cli/exit-codes.ts, documented in docs/cli.md),
 * plus EX_CONFIG for a bad environment, as the server processes exit with it.
 */
import { EXIT } from '../../cli/exit-codes';

export const ADMIN_EXIT = {
  ...EXIT,
  /** The environment is invalid (DATABASE_URL, JUNCTION_MASTER_KEY …): EX_CONFIG, as server/main.ts exits. */
  CONFIG: 78,
} as const;

export type AdminExitCode = (typeof ADMIN_EXIT)[keyof typeof ADMIN_EXIT];
