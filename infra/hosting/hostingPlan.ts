// The seam between hosting plans: everything that differs between Linux Consumption (the default) and Flex Consumption is declared here.
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

/** What a plan's deployment step is told: the app, and the hash of what its triggers are built from. */
export interface DeployedApp extends HostedApp {
  /**
   * Hash of the package and of every app setting the site is given (infra/dynamic/triggersHash.ts):
   * what the host reads when it builds its trigger list. A new hash must make the plan tell the
   * scale controller again (a trigger sync); it also keys the function-key read.
   */
  triggersHash: pulumi.Output<string>;
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
 * A way to host the Function App. Exactly one is chosen, in infra/index.ts (`cardpress:plan`):
 * Linux Consumption (`infra/hosting/linuxConsumption.ts`, the default) or Flex Consumption
 * (`infra/hosting/flexConsumption.ts`: an FC1 plan, `functionAppConfig` instead of
 * `linuxFxVersion` and the package URL settings, and One Deploy instead of the trigger sync);
 * docs/deploy.md, "Choosing a plan".
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
    app: DeployedApp,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.Resource;
}
