// The seam between hosting plans: everything that differs between Linux Consumption (today) and Flex Consumption (next) is declared here.
import type * as azure from "@pulumi/azure-native";
import type * as pulumi from "@pulumi/pulumi";

/** What a hosting plan is told about the app it hosts. */
export interface HostedApp {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** ARM id of the user-assigned identity the app runs as (and reads its package with). */
  identityId: pulumi.Input<string>;
  /** URL of the package blob (private; no SAS). */
  packageUrl: pulumi.Input<string>;
  /** Content hash of the package: a new hash means new code to make live. */
  packageHash: string;
  /** Functions the package defines; a deployment is done once ARM lists this many. */
  expectedFunctions: number;
}

/** The site's properties that depend on the plan. */
export interface PlanSiteProperties {
  kind: string;
  reserved: boolean;
  /** `siteConfig` entries the plan decides (Linux Consumption: the runtime, `Node|22`). */
  siteConfig: { linuxFxVersion?: string };
  /** Flex Consumption's runtime, scaling and deployment container; Linux Consumption has none. */
  functionAppConfig?: pulumi.Input<azure.types.input.web.FunctionAppConfigArgs>;
  /** App settings the plan requires beyond those every plan shares (infra/appSettings.ts). */
  appSettings: pulumi.Output<Record<string, string>>;
}

/**
 * A way to host the Function App. Exactly one is chosen, in infra/index.ts. Linux Consumption
 * (`infra/hosting/linuxConsumption.ts`) is the only one today; Flex Consumption (FC1) is a second
 * implementation of this interface: an FC1 plan, `functionAppConfig` instead of `linuxFxVersion`
 * and the package URL settings, and a One Deploy step instead of the trigger sync
 * (docs/deploy.md, "How the program is built").
 */
export interface HostingPlan {
  /** Shown in resource descriptions and docs, e.g. "Linux Consumption (Y1)". */
  readonly title: string;
  /** The App Service plan resource. */
  createPlan(
    name: string,
    app: HostedApp,
    opts: pulumi.CustomResourceOptions,
  ): azure.web.AppServicePlan;
  /** Kind, runtime, and where the site takes its code from. */
  siteProperties(app: HostedApp): PlanSiteProperties;
  /**
   * Makes the package live on the site and resolves once ARM lists its functions; reads that
   * need the running host (the function keys) depend on the resource returned.
   */
  deployPackage(
    name: string,
    site: azure.web.WebApp,
    app: HostedApp,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.Resource;
}
