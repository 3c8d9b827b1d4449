// A TokenCredential for the Function App's managed identity (App Service identity endpoint), without @azure/identity.
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { StorageConfigError } from "./errors";

interface IdentityEndpointResponse {
  access_token: string;
  /** Seconds since the epoch, as a string. */
  expires_on: string | number;
}

/**
 * App Service and Azure Functions expose IDENTITY_ENDPOINT and IDENTITY_HEADER to the app; a GET
 * with `resource` (and `client_id` for a user-assigned identity) returns a bearer token. Tokens
 * are cached until five minutes before they expire.
 */
export class AppServiceManagedIdentityCredential implements TokenCredential {
  private cached: AccessToken | undefined;

  constructor(
    private readonly clientId: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    if (this.cached && this.cached.expiresOnTimestamp - Date.now() > 5 * 60_000) return this.cached;
    const endpoint = this.env.IDENTITY_ENDPOINT;
    const secret = this.env.IDENTITY_HEADER;
    if (!endpoint || !secret) {
      throw new StorageConfigError(
        "managed identity requested (AzureWebJobsStorage__accountName) but IDENTITY_ENDPOINT/IDENTITY_HEADER are not set; outside Azure set AzureWebJobsStorage to a connection string",
      );
    }
    const scope = Array.isArray(scopes) ? (scopes[0] ?? "") : scopes;
    const url = new URL(endpoint);
    url.searchParams.set("resource", scope.replace(/\.default$/, ""));
    url.searchParams.set("api-version", "2019-08-01");
    if (this.clientId) url.searchParams.set("client_id", this.clientId);
    const response = await fetch(url, { headers: { "X-IDENTITY-HEADER": secret } });
    if (!response.ok) {
      throw new StorageConfigError(
        `managed identity token request failed: HTTP ${response.status} ${await response.text()}`,
      );
    }
    const body = (await response.json()) as IdentityEndpointResponse;
    this.cached = {
      token: body.access_token,
      expiresOnTimestamp: Number(body.expires_on) * 1000,
    };
    return this.cached;
  }
}
