// The Function App's app settings, assembled in one place: host settings, identity-based storage, package URL, job settings.
import { names, toAppSettings, workerProcessEnvironment, type Settings } from "../settings";

export interface AppSettingsInputs {
  /** The job pipeline's settings (settings/index.ts) after the stack's overrides. */
  settings: Settings;
  storageAccountName: string;
  /** Client id of the user-assigned identity the app uses for storage. */
  identityClientId: string;
  /** ARM id of that identity: the host fetches the package with it. */
  identityResourceId: string;
  /** URL of the package blob (private; read with the identity, no SAS). */
  packageUrl: string;
  applicationInsightsConnectionString: string;
}

export interface AppSetting {
  name: string;
  value: string;
}

/** Settings the Functions host itself reads on Linux Consumption with a package URL. */
export const hostSettings = {
  FUNCTIONS_EXTENSION_VERSION: "~4",
  FUNCTIONS_WORKER_RUNTIME: "node",
  // Entry-point errors (a missing module in the package) fail the host visibly instead of leaving an app with no functions.
  FUNCTIONS_NODE_BLOCK_ON_ENTRY_POINT_ERROR: "true",
} as const;

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
    WEBSITE_RUN_FROM_PACKAGE: inputs.packageUrl,
    WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: inputs.identityResourceId,
    APPLICATIONINSIGHTS_CONNECTION_STRING: inputs.applicationInsightsConnectionString,
    ...toAppSettings(inputs.settings),
  };
  return Object.entries(values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
}
