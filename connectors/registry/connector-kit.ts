/**
 * What Junction hands to vendor factories and plugins at run time: the error type activities
 * understand, the shared HTTP client and its auth injectors. A plugin package cannot import
 * Junction's modules (they are not published), and must throw *this* ConnectorError class, since
 * activities recognise it with instanceof.
 */
import { ConnectorError, isConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';
import { apiKeyHeader, basicAuth, bearerToken, classifyHttpError, createHttpClient } from '../http';

export const connectorKit = Object.freeze({
  ConnectorError,
  ConnectorErrorCode,
  isConnectorError,
  createHttpClient,
  classifyHttpError,
  auth: Object.freeze({ bearerToken, basicAuth, apiKeyHeader }),
});

export type ConnectorKit = typeof connectorKit;
