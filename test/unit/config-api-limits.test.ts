import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config';

function problemsFor(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env, false);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig: API limits and metrics settings', function () {
  it('when nothing is set, then CORS is closed, limits have their defaults and worker metrics are off', function () {
    const config = loadConfig({}, false);
    expect(config.api).to.deep.equal({
      corsOrigins: [],
      rateLimitPerMinute: 600,
      anonymousRateLimitPerMinute: 60,
      requestTimeoutMs: 30_000,
      trustProxy: null,
      metricsToken: null,
      addressRateLimitPerMinute: 6000,
      keyDefaultLifetimeDays: 90,
    });
    expect(config.workerMetricsAddress).to.equal(null);
    expect(Object.isFrozen(config.api.corsOrigins)).to.equal(true);
  });

  it('when CORS_ORIGINS lists origins, then they are trimmed and kept in order', function () {
    const config = loadConfig({ CORS_ORIGINS: 'https://ops.example.com, http://localhost:5173 ,' }, false);
    expect(config.api.corsOrigins).to.deep.equal(['https://ops.example.com', 'http://localhost:5173']);
  });

  it('when the limits, timeout and metrics settings are set, then they are parsed', function () {
    const token = 'm'.repeat(40);
    const config = loadConfig(
      {
        API_RATE_LIMIT: '120',
        API_RATE_LIMIT_ANONYMOUS: '10',
        API_REQUEST_TIMEOUT_MS: '5000',
        METRICS_TOKEN: token,
        WORKER_METRICS_PORT: '9464',
      },
      false,
    );
    expect(config.api).to.include({
      rateLimitPerMinute: 120,
      anonymousRateLimitPerMinute: 10,
      requestTimeoutMs: 5000,
      metricsToken: token,
    });
    expect(config.workerMetricsAddress).to.equal('127.0.0.1:9464');
  });

  it('when the address budget and the key lifetime are set, then they are parsed; a lifetime of 0 means keys do not expire by default', function () {
    expect(
      loadConfig({ API_RATE_LIMIT_PER_ADDRESS: '300', API_KEY_DEFAULT_LIFETIME_DAYS: '30' }, false).api,
    ).to.include({ addressRateLimitPerMinute: 300, keyDefaultLifetimeDays: 30 });
    expect(loadConfig({ API_KEY_DEFAULT_LIFETIME_DAYS: '0' }, false).api.keyDefaultLifetimeDays).to.equal(null);
  });

  it('when WORKER_METRICS_HOST is an IPv6 address, then the bind address brackets it', function () {
    expect(loadConfig({ WORKER_METRICS_PORT: '9464', WORKER_METRICS_HOST: '::' }, false).workerMetricsAddress).to.equal(
      '[::]:9464',
    );
    expect(
      loadConfig({ WORKER_METRICS_PORT: '9464', WORKER_METRICS_HOST: '0.0.0.0' }, false).workerMetricsAddress,
    ).to.equal('0.0.0.0:9464');
  });

  it('when TRUST_PROXY is a hop count, then it is a number; when it lists addresses, then a list', function () {
    expect(loadConfig({ TRUST_PROXY: '1' }, false).api.trustProxy).to.equal(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }, false).api.trustProxy).to.deep.equal([
      'loopback',
      '10.0.0.0/8',
    ]);
  });

  for (const [variable, value, message] of [
    ['CORS_ORIGINS', 'https://ops.example.com/app', 'scheme://host[:port]'],
    ['CORS_ORIGINS', '*', 'scheme://host[:port]'],
    ['API_RATE_LIMIT', '0', ''],
    ['API_RATE_LIMIT', '1.5', 'whole number'],
    ['API_RATE_LIMIT_ANONYMOUS', 'many', ''],
    ['API_RATE_LIMIT_PER_ADDRESS', '0', ''],
    ['API_KEY_DEFAULT_LIFETIME_DAYS', '1.5', 'whole number of days'],
    ['API_KEY_DEFAULT_LIFETIME_DAYS', '5000', ''],
    ['API_REQUEST_TIMEOUT_MS', '50', 'at least 100 ms'],
    ['API_REQUEST_TIMEOUT_MS', '900000', 'at most 600000'],
    ['TRUST_PROXY', 'true', 'hop count'],
    ['TRUST_PROXY', '1, loopback', 'stands alone'],
    ['TRUST_PROXY', '11', 'at most 10'],
    ['METRICS_TOKEN', 'short', 'at least 32 characters'],
    ['WORKER_METRICS_PORT', '0', ''],
    ['WORKER_METRICS_HOST', 'host name with spaces', 'host name or IP address'],
  ] as const) {
    it(`when ${variable} is "${value}", then a ConfigError names ${variable}`, function () {
      const problems = problemsFor({ [variable]: value });
      expect(problems).to.have.length(1);
      // List variables name the offending entry too (CORS_ORIGINS.0).
      expect(problems[0]).to.match(new RegExp(`^${variable}(\\.\\d+)?: `));
      expect(problems[0]).to.contain(message);
    });
  }
});
