/**
 * Security model, production (issue 10, item 4): `NODE_ENV=production` refuses to start with
 * unsafe settings, naming the variable, before it opens a database or Temporal connection. Each
 * case starts the real entry point (server/main.ts) as a process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config';
import { REPO_ROOT } from '../../scripts/tool-paths';

const MASTER_KEY = 'k'.repeat(40);

interface Exit {
  code: number;
  stderr: string;
}

/** Runs `server/main.ts api` with exactly this environment (plus PATH) and waits for it to exit. */
async function startProduction(env: Record<string, string>): Promise<Exit> {
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/main.ts', 'api'], {
      cwd: REPO_ROOT,
      // An unreachable database: a process that got past the configuration would fail differently.
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        DATABASE_URL: 'mysql://root@127.0.0.1:1/none',
        ...env,
      },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
}

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env, false);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('security: production refuses unsafe settings at start-up', function () {
  this.timeout(60_000);

  it('when JUNCTION_MASTER_KEY is missing, then the process exits with EX_CONFIG naming it', async () => {
    const exit = await startProduction({});
    expect(exit.code).to.equal(78);
    expect(exit.stderr).to.match(/JUNCTION_MASTER_KEY: is required in production/);
  });

  it('when the OIDC key set is fetched over http, or SMTP_URL turns TLS checks off or logs the transcript, then start-up stops naming the variable', async () => {
    const exit = await startProduction({
      JUNCTION_MASTER_KEY: MASTER_KEY,
      OIDC_JWKS_URL: 'http://idp.example/certs',
      OIDC_ISSUER: 'https://idp.example',
      OIDC_AUDIENCE: 'junction',
      SMTP_URL: 'smtps://relay.example:465?tls.rejectUnauthorized=false&logger=true',
    });
    expect(exit.code).to.equal(78);
    expect(exit.stderr).to.match(/OIDC_JWKS_URL: must use https:\/\/ in production/);
    expect(exit.stderr).to.match(/SMTP_URL: the "tls\.rejectUnauthorized=false" option turns TLS checks off/);
    expect(exit.stderr).to.match(/SMTP_URL: the "logger" option logs the SMTP transcript/);
  });

  it('when the settings are safe, then the same production configuration loads (the legitimate path)', () => {
    expect(
      problemsOf({
        NODE_ENV: 'production',
        JUNCTION_MASTER_KEY: MASTER_KEY,
        SMTP_URL: 'smtps://relay.example:465?requireTLS=true',
        OIDC_JWKS_URL: 'https://idp.example/certs',
        OIDC_ISSUER: 'https://idp.example',
        OIDC_AUDIENCE: 'junction',
      }),
    ).to.deep.equal([]);
  });

  it('when SMTP_URL weakens TLS outside production, then a staging relay with a self-signed certificate still works', () => {
    expect(
      problemsOf({
        NODE_ENV: 'development',
        SMTP_URL: 'smtps://relay.staging:465?tls.rejectUnauthorized=false&ignoreTLS=true&debug=true',
      }),
    ).to.deep.equal([]);
  });

  it('when SMTP_URL reroutes the connection (host, port, proxy) or lets messages read files, then it is refused in every environment', () => {
    for (const nodeEnv of ['development', 'production']) {
      const problems = problemsOf({
        NODE_ENV: nodeEnv,
        JUNCTION_MASTER_KEY: MASTER_KEY,
        SMTP_URL: 'smtp://relay.example:587?host=127.0.0.1&proxy=socks5://10.0.0.1:1080&disableFileAccess=false',
      });
      expect(problems, nodeEnv).to.have.length(3);
      for (const problem of problems)
        expect(problem).to.match(/^SMTP_URL: the "(host|proxy|disableFileAccess)" option is not allowed/);
    }
  });
});
