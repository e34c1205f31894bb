import winston from 'winston';
import type { LogFormat } from '../config';
import { currentLogContext } from './log-context';
import { redactSecrets } from './redact';

const addContext = winston.format((info) => {
  Object.assign(info, { ...currentLogContext(), ...info });
  return info;
});

const redact = winston.format((info) => redactSecrets(info) as typeof info);

function formatFor(format: LogFormat): winston.Logform.Format {
  if (format === 'json') {
    return winston.format.combine(
      addContext(),
      redact(),
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    );
  }
  return winston.format.combine(
    addContext(),
    redact(),
    winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
    winston.format.errors({ stack: true }),
    winston.format.colorize(),
    winston.format.printf(({ timestamp, level, message, stack, ...rest }) => {
      const fields = Object.entries(rest)
        .filter(([key]) => typeof key === 'string')
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      return `${String(timestamp)} ${level} ${String(message)}${fields ? ` ${fields}` : ''}${stack ? `\n${String(stack)}` : ''}`;
    }),
  );
}

let root = winston.createLogger({
  level: 'info',
  format: formatFor('json'),
  transports: [new winston.transports.Console()],
});

/** Configures the process-wide logger once, at start-up, from Config. */
export function configureLogger(options: { level: string; format: LogFormat }): winston.Logger {
  root.configure({
    level: options.level,
    format: formatFor(options.format),
    transports: [new winston.transports.Console()],
  });
  return root;
}

/** The process-wide logger; every line picks up requestId / workflowId / runId / activity. */
export function getLogger(): winston.Logger {
  return root;
}

/** For tests that must capture lines. */
export function replaceLogger(logger: winston.Logger): void {
  root = logger;
}

export type Logger = winston.Logger;
