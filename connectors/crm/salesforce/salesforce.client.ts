/**
 * Typed calls of the Salesforce REST API over the shared HTTP client. Every response is
 * parsed with its raw schema; every failure is a ConnectorError (salesforce-errors.ts).
 */
import type { z } from 'zod';
import { ConnectorErrorCode } from '../../connector-error-codes';
import { isConnectorError } from '../../connector-error';
import { compositeError, unexpectedResponse } from './salesforce-errors';
import { salesforceManifest, type SalesforceObject } from './salesforce.manifest';
import {
  compositeResponse,
  queryResult,
  saveResult,
  type CompositeRequest,
  type CompositeResponse,
  type QueryResult,
  type SalesforceFields,
} from './salesforce.schemas';
import type { HttpClient } from '../../http';

const { paths } = salesforceManifest;

export class SalesforceClient {
  constructor(
    private readonly http: HttpClient,
    private readonly instance: string,
    private readonly version: string,
  ) {}

  /** Releases what the HTTP client holds (a Redis connection of its rate limit, breaker timers). */
  close(): Promise<void> {
    return this.http.close();
  }

  /** One batch of a SOQL query; `batchSize` goes into Sforce-Query-Options (a hint, 200..2000). */
  async query<R extends z.ZodType>(record: R, soql: string, batchSize?: number): Promise<QueryResult<z.output<R>>> {
    const headers =
      batchSize !== undefined ? { [salesforceManifest.paging.batchSizeHeader]: `batchSize=${batchSize}` } : undefined;
    const { data } = await this.http.request({
      method: 'GET',
      url: paths.query(this.version),
      params: { q: soql },
      ...(headers ? { headers } : {}),
    });
    return this.parse(queryResult(record), data, 'query');
  }

  /** The next batch of a query, from a nextRecordsUrl (checked to be a query locator path by the caller). */
  async queryMore<R extends z.ZodType>(record: R, locatorPath: string): Promise<QueryResult<z.output<R>>> {
    const { data } = await this.http.request({ method: 'GET', url: locatorPath });
    return this.parse(queryResult(record), data, 'query more');
  }

  /** A record by id or by an external ID field's value, or null when Salesforce answers 404. */
  async get<R extends z.ZodType>(
    record: R,
    type: SalesforceObject,
    fields: readonly string[],
    by: { id: string } | { field: string; value: string },
  ): Promise<z.output<R> | null> {
    const url =
      'id' in by ? paths.record(this.version, type, by.id) : paths.byExternalId(this.version, type, by.field, by.value);
    try {
      const { data } = await this.http.request({ method: 'GET', url, params: { fields: fields.join(',') } });
      return this.parse(record, data, `GET ${type}`);
    } catch (error) {
      if (isConnectorError(error) && error.code === ConnectorErrorCode.NotFound) return null;
      throw error;
    }
  }

  /** PATCH by id: 204, no body. */
  async update(type: SalesforceObject, id: string, fields: SalesforceFields): Promise<void> {
    await this.http.request({ method: 'PATCH', url: paths.record(this.version, type, id), data: fields });
  }

  /** PATCH by external ID: creates (201) or updates (200) the one record holding `value`; returns its id. */
  async upsert(
    type: SalesforceObject,
    field: string,
    value: string,
    fields: SalesforceFields,
  ): Promise<{ id: string; created: boolean }> {
    const { status, data } = await this.http.request({
      method: 'PATCH',
      url: paths.byExternalId(this.version, type, field, value),
      data: fields,
    });
    const result = this.parse(saveResult, data, `upsert ${type}`);
    return { id: result.id, created: result.created ?? status === 201 };
  }

  /** POST /composite; a failed subrequest (allOrNone: all rolled back) rejects with its error. */
  async composite(request: CompositeRequest): Promise<CompositeResponse> {
    const url = paths.composite(this.version);
    const { data } = await this.http.request({ method: 'POST', url, data: request });
    const response = this.parse(compositeResponse, data, 'composite');
    const failure = compositeError(this.instance, url, response);
    if (failure !== undefined) throw failure;
    return response;
  }

  /** Path of a resource for composite subrequests, which name the full `/services/data/…` path. */
  path(type: SalesforceObject): string {
    return paths.sobjects(this.version, type);
  }

  parse<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    throw unexpectedResponse(this.instance, what, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
}
