// The cardpress stack: reads config, wires storage, monitoring and the Function App, exports what the CLI needs.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import path from "node:path";
import { Monitoring } from "./components/monitoring";
import { FunctionApp } from "./components/functionApp";
import { RenderStorage } from "./components/renderStorage";
import { readInfraConfig } from "./config";
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
