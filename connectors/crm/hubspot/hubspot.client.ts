/**
 * Typed calls of the HubSpot CRM v3 objects API over the shared HTTP client. Every response is
 * parsed with its raw schema; every failure is a ConnectorError (the HTTP layer classifies
 * status, Retry-After and the `{ status, message, category, correlationId }` error body; the
 * rate-limit hooks of hubspot-rate-limits.ts turn a 429's policy into its wait).
 */
import type { z } from 'zod';
import { ConnectorError, isConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { HttpClient } from '../../http';
import { hubspotManifest, type HubSpotObjectType } from './hubspot.manifest';
import {
  hubspotBatchResponse,
  hubspotListResponse,
  hubspotObject,
  hubspotSearchResponse,
  type HubSpotCreateRequest,
  type HubSpotObject,
  type HubSpotSearchRequest,
  type HubSpotSearchResponse,
  type HubSpotUpsertInput,
} from './hubspot.schemas';

const { paths } = hubspotManifest;

export interface ReadOptions {
  properties: readonly string[];
  /** A unique property to address the record by instead of its id (`email`, a custom unique property). */
  idProperty?: string;
}

export class HubSpotClient {
  constructor(
    private readonly http: HttpClient,
    private readonly instance: string,
  ) {}

  /** Releases what the HTTP client holds (a Redis connection of its rate limit, breaker timers). */
  close(): Promise<void> {
    return this.http.close();
  }

  /** One record, or null when HubSpot answers 404. */
  async get(type: HubSpotObjectType, id: string, options: ReadOptions): Promise<HubSpotObject | null> {
    const params = {
      properties: options.properties.join(','),
      ...(options.idProperty !== undefined ? { idProperty: options.idProperty } : {}),
    };
    try {
      return this.parse(hubspotObject, await this.http.get(paths.object(type, id), { params }), `GET ${type}`);
    } catch (error) {
      if (isConnectorError(error) && error.code === ConnectorErrorCode.NotFound) return null;
      throw error;
    }
  }

  /** The first page of a type's records: the cheapest authenticated call (health checks). */
  async listFirst(type: HubSpotObjectType): Promise<void> {
    this.parse(hubspotListResponse, await this.http.get(paths.objects(type), { params: { limit: 1 } }), `GET ${type}`);
  }

  async search(type: HubSpotObjectType, request: HubSpotSearchRequest): Promise<HubSpotSearchResponse> {
    return this.parse(hubspotSearchResponse, await this.http.post(paths.search(type), request), `search ${type}`);
  }

  async create(type: HubSpotObjectType, request: HubSpotCreateRequest): Promise<HubSpotObject> {
    return this.parse(hubspotObject, await this.http.post(paths.objects(type), request), `create ${type}`);
  }

  async update(type: HubSpotObjectType, id: string, properties: Record<string, string>): Promise<HubSpotObject> {
    return this.parse(hubspotObject, await this.http.patch(paths.object(type, id), { properties }), `update ${type}`);
  }

  /**
   * Creates or updates records by a unique property in one call. HubSpot answers 207 when some
   * inputs failed; a failed input is reported like a 400 with HubSpot's message.
   */
  async batchUpsert(type: HubSpotObjectType, inputs: HubSpotUpsertInput[]): Promise<HubSpotObject[]> {
    const response = this.parse(
      hubspotBatchResponse,
      await this.http.post(paths.batchUpsert(type), { inputs }),
      `upsert ${type}`,
    );
    const failure = response.errors?.[0];
    if (failure !== undefined || response.results.length !== inputs.length) {
      throw new ConnectorError(`${this.instance}: HubSpot rejected the ${type} upsert`, {
        code: ConnectorErrorCode.InvalidRequest,
        status: 207,
        vendorMessage: failure?.message ?? `expected ${inputs.length} results, got ${response.results.length}`,
      });
    }
    return response.results;
  }

  private parse<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    throw new ConnectorError(`${this.instance}: unexpected HubSpot response to ${what}`, {
      code: ConnectorErrorCode.VendorUnavailable,
      vendorMessage: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    });
  }
}
