// The Function App's app settings, assembled in one place: host settings, identity-based storage, the hosting plan's own, job settings, secrets.
import type * as pulumi from "@pulumi/pulumi";
import { names, toAppSettings, workerProcessEnvironment, type Settings } from "../settings";
import { InfraError } from "./errors";

export interface AppSettingsInputs {
  /** The job pipeline's settings (settings/index.ts) after the stack's overrides. */
  settings: Settings;
  storageAccountName: string;
  /** Client id of the user-assigned identity the app uses for storage. */
  identityClientId: string;
  applicationInsightsConnectionString: string;
  /** What the hosting plan adds (infra/hosting/): on Linux Consumption the worker runtime and the package URL. */
  planSettings: Record<string, string>;
}

export interface AppSetting {
  name: string;
  value: string;
}

/**
 * Settings the Functions host itself reads, on every hosting plan. The host version
 * (`FUNCTIONS_EXTENSION_VERSION`) is not one: Flex Consumption rejects it, so Linux Consumption
 * sets it among its own (infra/hosting/).
 */
export const hostSettings = {
  // Entry-point errors (a missing module in the package) fail the host visibly instead of leaving an app with no functions.
  FUNCTIONS_NODE_BLOCK_ON_ENTRY_POINT_ERROR: "true",
} as const;

/**
 * The host, and any language agent, send telemetry with a Microsoft Entra token of the
 * user-assigned identity instead of the instrumentation key (local authentication is off on the
 * component). Format from functions-app-settings, `APPLICATIONINSIGHTS_AUTHENTICATION_STRING`;
 * the identity holds Monitoring Metrics Publisher on the component (infra/roles.ts).
 */
export function applicationInsightsAuthentication(identityClientId: string): string {
  return `ClientId=${identityClientId};Authorization=AAD`;
}

/**
 * Every app setting, sorted by name so the ARM payload (and Pulumi's diff) is stable. Host
 * storage uses the identity form `AzureWebJobsStorage__*`; no connection string or account key
 * reaches the app.
 */
export function functionAppSettings(inputs: AppSettingsInputs): AppSetting[] {
  const connection = names.connectionSetting;
  const values: Record<string, string> = {
    ...hostSettings,
    ...workerProcessEnvironment,
    [`${connection}__accountName`]: inputs.storageAccountName,
    [`${connection}__credential`]: "managedidentity",
    [`${connection}__clientId`]: inputs.identityClientId,
    APPLICATIONINSIGHTS_CONNECTION_STRING: inputs.applicationInsightsConnectionString,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: applicationInsightsAuthentication(
      inputs.identityClientId,
    ),
    ...inputs.planSettings,
    ...toAppSettings(inputs.settings),
  };
  return Object.entries(values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
}

/**
 * App settings whose values are secrets, by name: the signing keys of card URLs
 * (settings/index.ts, `names.ogKeySettings`); "" stands for "no previous key".
 */
export function signingKeySettings(keys: {
  current: pulumi.Input<string>;
  previous: pulumi.Input<string>;
}): Record<string, pulumi.Input<string>> {
  return {
    [names.ogKeySettings.current]: keys.current,
    [names.ogKeySettings.previous]: keys.previous,
  };
}

/**
 * The site's `appSettings`: the plain settings and the secret ones, sorted by name as
 * functionAppSettings sorts (adding a secret moves no plain setting). The caller sends the list
 * as a secret. Secret settings are not part of `functionAppSettings`, so they never enter the
 * triggers hash (no trigger reads them).
 */
export function withSecretSettings(
  plain: readonly AppSetting[],
  secrets: Record<string, string>,
): AppSetting[] {
  const clash = plain.find(({ name }) => name in secrets);
  if (clash) {
    throw new InfraError(
      `app setting ${clash.name} is given both as a plain and as a secret value; expected each name once`,
    );
  }
  const secret = Object.entries(secrets).map(([name, value]) => ({ name, value }));
  return [...plain, ...secret].sort((a, b) => a.name.localeCompare(b.name));
}
