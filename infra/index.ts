// The cardpress stack: reads config, wires storage, monitoring, the card-URL signing keys and the Function App, exports what the CLI needs.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import path from "node:path";
import { Monitoring } from "./components/monitoring";
import { FunctionApp } from "./components/functionApp";
import { RenderStorage } from "./components/renderStorage";
import { readInfraConfig } from "./config";
import { signingKeySettings } from "./appSettings";
import { OgSigningKeys } from "./dynamic/ogSigningKeys";
import { flexConsumption } from "./hosting/flexConsumption";
import { linuxConsumption } from "./hosting/linuxConsumption";
import { lifecycleDeleteAfterDays } from "./lifecycle";

const config = readInfraConfig(new pulumi.Config(), path.resolve(__dirname, ".."));

const resourceGroup = new azure.resources.ResourceGroup("cardpress-rg", {
  location: config.location,
});

const storage = new RenderStorage("cardpress", {
  resourceGroupName: resourceGroup.name,
  location: config.location,
  softDeleteDays: config.softDeleteDays,
  deleteRendersAfterDays: lifecycleDeleteAfterDays(config.settings),
  deleteOgImagesAfterIdleDays: config.settings.OG_EXPIRE_AFTER_DAYS,
});

// The keys GET /api/og/… verifies card URLs with (docs/deploy.md, "og:image URLs"). Outside the
// Function App on purpose: a new site (another plan) keeps the keys, so published URLs keep working.
const ogSigningKeys = new OgSigningKeys("cardpress-og-signing-keys", {
  rotation: config.ogKeys.rotation,
  keepPrevious: config.ogKeys.keepPrevious,
});

const monitoring = new Monitoring("cardpress", {
  resourceGroupName: resourceGroup.name,
  location: config.location,
  retentionDays: config.logRetentionDays,
});

const functionApp = new FunctionApp("cardpress", {
  resourceGroupName: resourceGroup.name,
  location: config.location,
  // The one place the hosting plan is chosen (`cardpress:plan`; docs/deploy.md, "Choosing a plan").
  hostingPlan: config.plan === "flex" ? flexConsumption(config.flex) : linuxConsumption,
  storageAccountName: storage.accountName,
  storageAccountId: storage.accountId,
  deploymentContainerName: storage.deploymentContainerName,
  packageDir: config.packageDir,
  settings: config.settings,
  secretSettings: signingKeySettings({
    current: ogSigningKeys.currentKey,
    previous: ogSigningKeys.previousKey,
  }),
  applicationInsightsConnectionString: monitoring.connectionString,
  applicationInsightsId: monitoring.applicationInsightsId,
});

/** `consumption` (Linux Consumption, Y1) or `flex` (Flex Consumption, FC1). */
export const hostingPlan = config.plan;
export const resourceGroupName = resourceGroup.name;
export const storageAccountName = storage.accountName;
export const renderQueueName = storage.renderQueueName;
export const poisonQueueName = storage.poisonQueueName;
export const containers = storage.containerNames;
export const functionAppName = functionApp.name;
export const apiBaseUrl = functionApp.apiBaseUrl;
export const applicationInsightsName = monitoring.applicationInsightsName;
export const packageBlobUrl = functionApp.packageUrl;
/** What `cardpress … --stack <name>` connects with (account key: the CLI signs SAS URLs). */
export const storageConnectionString = storage.connectionString;
/** Send as `x-functions-key` to the HTTP API. */
export const functionKey = functionApp.defaultFunctionKey;
/** Where card URLs point: signCardUrl's `baseUrl` (`cardpress sign --stack`); the route `/api/og` follows it. */
export const ogBaseUrl = functionApp.ogBaseUrl;
/** The key card URLs are signed with (`pulumi stack output --show-secrets ogSigningKey`); a secret. */
export const ogSigningKey = ogSigningKeys.currentKey;
/** The ids card URLs carry (`…/v1/<key id>.…`): which key a published URL was signed with. "" for none. */
export const ogKeyId = ogSigningKeys.currentKeyId;
export const ogPreviousKeyId = ogSigningKeys.previousKeyId;
