import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config';

function configErrorFrom(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, false);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', function () {
  it('when the environment is empty, then every setting has its safe local default', function () {
    const config = loadConfig({}, true);
    expect(config.port).to.equal(3000);
    expect(config.databaseUrl).to.equal('mysql://root@127.0.0.1:3306/junction');
    expect(config.redisUrl).to.equal('redis://127.0.0.1:6379');
    expect(config.temporal).to.deep.equal({
      address: null,
      namespace: 'default',
      taskQueue: 'junction',
      apiKey: null,
      uiPort: 8233,
      payloadEncryption: false,
      uiOrigin: 'http://127.0.0.1:8233',
    });
    expect(config.smtp.url).to.equal(null);
    expect(config.masterKey).to.equal(null);
    expect(config.log).to.deep.equal({ level: 'info', format: 'pretty' });
    expect(config.shutdownGraceSeconds).to.equal(30);
  });

  it('when values are set, then they are parsed and typed', function () {
    const config = loadConfig({ PORT: '8080', TEMPORAL_ADDRESS: 'temporal.internal:7233', LOG_LEVEL: 'debug' }, false);
    expect(config.port).to.equal(8080);
    expect(config.temporal.address).to.equal('temporal.internal:7233');
    expect(config.log.level).to.equal('debug');
  });

  it('returns a frozen object, nested parts included', function () {
    const config = loadConfig({}, false);
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config.temporal)).to.equal(true);
  });

  for (const [variable, value] of [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'postgres://db/junction'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'verbose'],
  ] as const) {
    it(`when ${variable} is "${value}", then a ConfigError names ${variable}`, function () {
      const error = configErrorFrom({ [variable]: value });
      expect(error.problems).to.have.length.greaterThan(0);
      for (const problem of error.problems) expect(problem).to.match(new RegExp(`^${variable}: `));
      expect(error.message).to.contain(variable);
    });
  }

  it('when several variables are bad, then the error names each of them', function () {
    const error = configErrorFrom({ PORT: '-1', LOG_LEVEL: 'loud' });
    expect(error.message).to.contain('PORT').and.to.contain('LOG_LEVEL');
  });

  it('when a variable is an empty string, then it counts as unset', function () {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '', TEMPORAL_ADDRESS: '', SMTP_URL: '' }, false);
    expect(config.port).to.equal(3000);
    expect(config.databaseUrl).to.equal('mysql://root@127.0.0.1:3306/junction');
    expect(config.log.level).to.equal('info');
    expect(config.temporal.address).to.equal(null);
    expect(config.smtp.url).to.equal(null);
  });

  it('when stdout is not a terminal and LOG_FORMAT is unset, then logs are JSON', function () {
    expect(loadConfig({}, false).log.format).to.equal('json');
  });

  it('when LOG_FORMAT is set, then it wins over the terminal check', function () {
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, false).log.format).to.equal('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }, true).log.format).to.equal('json');
  });
});
