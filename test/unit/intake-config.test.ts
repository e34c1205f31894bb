import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config';

describe('intake configuration', () => {
  it('has safe defaults: 10 attempts from 1 s to 5 min, 100000 backlog, sweep after 60 s, 10 at once, no metrics port', () => {
    const config = loadConfig({}, false);
    expect(config.eventSourcesFile).to.equal(null);
    expect(config.intake).to.deep.equal({
      maxAttempts: 10,
      retryBaseMs: 1_000,
      retryMaxMs: 300_000,
      backlogLimit: 100_000,
      sweepAfterSeconds: 60,
      concurrency: 10,
      metricsAddress: null,
    });
  });

  it('reads every INTAKE_* variable and EVENT_SOURCES_FILE', () => {
    const config = loadConfig(
      {
        EVENT_SOURCES_FILE: '/etc/junction/events.yaml',
        INTAKE_MAX_ATTEMPTS: '25',
        INTAKE_RETRY_BASE_MS: '200',
        INTAKE_RETRY_MAX_MS: '60000',
        INTAKE_BACKLOG_LIMIT: '5000',
        INTAKE_SWEEP_AFTER_SECONDS: '30',
        INTAKE_CONCURRENCY: '50',
        INTAKE_METRICS_PORT: '9465',
        WORKER_METRICS_HOST: '0.0.0.0',
      },
      false,
    );
    expect(config.eventSourcesFile).to.equal('/etc/junction/events.yaml');
    expect(config.intake).to.deep.equal({
      maxAttempts: 25,
      retryBaseMs: 200,
      retryMaxMs: 60_000,
      backlogLimit: 5_000,
      sweepAfterSeconds: 30,
      concurrency: 50,
      metricsAddress: '0.0.0.0:9465',
    });
  });

  it('names each invalid variable', () => {
    let error: unknown;
    try {
      loadConfig({ INTAKE_MAX_ATTEMPTS: '0', INTAKE_BACKLOG_LIMIT: 'lots', INTAKE_CONCURRENCY: '2.5' }, false);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(variables).to.have.members(['INTAKE_MAX_ATTEMPTS', 'INTAKE_BACKLOG_LIMIT', 'INTAKE_CONCURRENCY']);
  });
});
