// Linux Consumption (Y1): the plan, the site's runtime, the package read from its URL, and the trigger sync that makes a new package live.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { TriggerSync } from "../dynamic/triggerSync";
import type { DeployedApp, HostedApp, HostingPlan, PlanSiteProperties } from "./hostingPlan";

/** Linux Consumption: reserved=true is what makes the plan and the site Linux. */
export const consumptionPlanSku = { name: "Y1", tier: "Dynamic" } as const;
/** Node 22 is the last Node version Linux Consumption gets (supported until 2027-04-30). */
export const nodeRuntime = "Node|22";

export const linuxConsumption: HostingPlan = {
  title: "Linux Consumption (Y1)",

  createPlan(name: string, app: HostedApp, opts: pulumi.CustomResourceOptions) {
    return new azure.web.AppServicePlan(
      `${name}-plan`,
      {
        resourceGroupName: app.resourceGroupName,
        location: app.location,
        kind: "functionapp",
        reserved: true,
        sku: consumptionPlanSku,
      },
      opts,
    );
  },

  siteProperties(app: HostedApp): PlanSiteProperties {
    return {
      kind: "functionapp,linux",
      reserved: true,
      siteConfig: { linuxFxVersion: nodeRuntime },
      appSettings: pulumi
        .all([app.packageUrl, app.identityId])
        .apply(([packageUrl, identityId]): Record<string, string> => ({
          // Flex Consumption refuses these two: its runtime is declared in functionAppConfig and
          // the platform manages the host version (flexRejectedAppSettings).
          FUNCTIONS_EXTENSION_VERSION: "~4",
          FUNCTIONS_WORKER_RUNTIME: "node",
          // A new URL per package (content-hashed blob name): the app restarts on new code. Only the
          // URL form works on Linux Consumption, and with it no Azure Files content share is needed.
          WEBSITE_RUN_FROM_PACKAGE: packageUrl,
          // The host fetches the package with the app's identity: no SAS to expire.
          WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId,
        })),
    };
  },

  deployPackage(name: string, site: azure.web.WebApp, app: DeployedApp, opts) {
    // The URL setting already deploys; the scale controller learns the triggers from a sync, again
    // whenever the package or an app setting the triggers read (PRUNE_SCHEDULE, the connection) changes.
    const armToken = azure.authorization.getClientTokenOutput({}, { parent: opts.parent });
    return new TriggerSync(
      `${name}-trigger-sync`,
      {
        siteId: site.id,
        packageHash: app.packageHash,
        triggersHash: app.triggersHash,
        armToken: armToken.token,
        expectedFunctions: app.expectedFunctions,
      },
      opts,
    );
  },
};
