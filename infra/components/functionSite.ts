// The Function App's site: its hosting plan, the hardened site running the package, the plan's deployment step, and the host key read after it.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../../settings";
import { functionAppSettings, withSecretSettings, type AppSetting } from "../appSettings";
import { FunctionKey } from "../dynamic/functionKey";
import { triggersHash } from "../dynamic/triggersHash";
import type { HostedApp, HostingPlan } from "../hosting/hostingPlan";
import { formerlyParentedAbove } from "./aliases";
import type { AppIdentity } from "./appIdentity";
import type { AppPackage } from "./appPackage";

export interface FunctionSiteArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Which plan hosts the site: decides the plan resource, the runtime and how a package goes live. */
  hostingPlan: HostingPlan;
  identity: AppIdentity;
  appPackage: AppPackage;
  storageAccountName: pulumi.Input<string>;
  /** The job pipeline's settings, written as app settings. */
  settings: Settings;
  /**
   * App settings whose values are secrets (the card-URL signing keys), by name: the site's
   * settings are sent as a secret, and these stay out of the triggers hash.
   */
  secretSettings: Record<string, pulumi.Input<string>>;
  applicationInsightsConnectionString: pulumi.Input<string>;
}

export class FunctionSite extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;
  public readonly id: pulumi.Output<string>;
  public readonly defaultHostName: pulumi.Output<string>;
  /** The host's `default` function key, for `x-functions-key`; a secret. */
  public readonly defaultFunctionKey: pulumi.Output<string>;

  constructor(name: string, args: FunctionSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cardpress:functions:FunctionSite", name, {}, opts);
    const hosted: HostedApp = {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      identityId: args.identity.id,
      packageUrl: args.appPackage.url,
      packageHash: args.appPackage.hash,
      expectedFunctions: args.appPackage.expectedFunctions,
    };

    const plan = args.hostingPlan.createPlan(name, hosted, formerlyParentedAbove(this, opts));
    const { site, appSettings } = this.createSite(name, args, hosted, plan, opts);
    const deploymentHash = appSettings.apply((settings) =>
      triggersHash(hosted.packageHash, settings),
    );
    const deployed = args.hostingPlan.deployPackage(
      name,
      site,
      { ...hosted, triggersHash: deploymentHash },
      formerlyParentedAbove(this, opts, { dependsOn: [site, args.appPackage] }),
    );
    this.disableBasicAuthPublishing(name, args.resourceGroupName, site, deployed, opts);

    this.name = site.name;
    this.id = site.id;
    this.defaultHostName = site.defaultHostName;
    this.defaultFunctionKey = this.readDefaultFunctionKey(name, site, deployed, deploymentHash);
    this.registerOutputs({ name: this.name, id: this.id, defaultHostName: this.defaultHostName });
  }

  private createSite(
    name: string,
    args: FunctionSiteArgs,
    hosted: HostedApp,
    plan: azure.web.AppServicePlan,
    opts: pulumi.ComponentResourceOptions | undefined,
  ): { site: azure.web.WebApp; appSettings: pulumi.Output<AppSetting[]> } {
    const planProperties = args.hostingPlan.siteProperties(hosted);
    const appSettings = pulumi
      .all([
        args.storageAccountName,
        args.identity.clientId,
        args.applicationInsightsConnectionString,
        planProperties.appSettings,
      ])
      .apply(([storageAccountName, identityClientId, insights, planSettings]) =>
        functionAppSettings({
          settings: args.settings,
          storageAccountName,
          identityClientId,
          applicationInsightsConnectionString: insights,
          planSettings,
        }),
      );
    // One secret list: azure-native lifts the secrecy of any value inside `siteConfig` to the whole
    // of it anyway (its defaults are applied with an `apply`), so `pulumi preview` shows the site's
    // settings as [secret]; `pulumi preview --diff --show-secrets` shows them.
    const siteAppSettings = pulumi.secret(
      pulumi
        .all([appSettings, pulumi.output(args.secretSettings)])
        .apply(([plain, secrets]) => withSecretSettings(plain, secrets)),
    );
    const site = new azure.web.WebApp(
      `${name}-app`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: planProperties.kind,
        reserved: planProperties.reserved,
        serverFarmId: plan.id,
        ...(planProperties.functionAppConfig
          ? { functionAppConfig: planProperties.functionAppConfig }
          : {}),
        httpsOnly: true,
        clientAffinityEnabled: false,
        identity: {
          type: azure.web.ManagedServiceIdentityType.UserAssigned,
          userAssignedIdentities: [args.identity.id],
        },
        siteConfig: {
          ...planProperties.siteConfig,
          ftpsState: azure.web.FtpsState.Disabled,
          minTlsVersion: azure.web.SupportedTlsVersions.SupportedTlsVersions_1_2,
          scmMinTlsVersion: azure.web.SupportedTlsVersions.SupportedTlsVersions_1_2,
          http20Enabled: true,
          appSettings: siteAppSettings,
        },
      },
      formerlyParentedAbove(this, opts, {
        dependsOn: args.identity.roleAssignments,
        // ARM cannot move an app between Linux Consumption and Flex Consumption: a new plan (each
        // has its own logical name) means a new site (docs/deploy.md, "Choosing a plan").
        replaceOnChanges: ["serverFarmId"],
        // The signing keys are app settings: the state keeps the site's stored siteConfig
        // encrypted whatever the provider echoes back.
        additionalSecretOutputs: ["siteConfig"],
      }),
    );
    return { site, appSettings };
  }

  /**
   * Code arrives only through the plan's deployment step: no basic-auth publishing over FTP or
   * SCM. Written after that step: concurrent writes to a new site answer 409, and the deployment
   * step is the last of the site's first operations (docs/deploy.md, "Basic-auth publishing").
   * They stay separate resources (azure-native has no site property for them); their API takes no
   * `location` in azure-native's schema, so none can be given.
   */
  private disableBasicAuthPublishing(
    name: string,
    resourceGroupName: pulumi.Input<string>,
    site: azure.web.WebApp,
    deployed: pulumi.Resource,
    opts: pulumi.ComponentResourceOptions | undefined,
  ): void {
    for (const [policy, Resource] of [
      ["ftp", azure.web.WebAppFtpAllowed],
      ["scm", azure.web.WebAppScmAllowed],
    ] as const) {
      new Resource(
        `${name}-${policy}-basic-auth`,
        { resourceGroupName, name: site.name, allow: false },
        formerlyParentedAbove(this, opts, { dependsOn: [site, deployed] }),
      );
    }
  }

  /**
   * Keys exist once the host has started: read through ARM inside a dynamic resource, after the
   * deployment step, with the ARM client's retries (a cold host answers 400 for minutes), once per
   * deployment. An invoke (listWebAppHostKeys) would run on every `preview`, wake the app and fail
   * the whole `up` on a cold host.
   */
  private readDefaultFunctionKey(
    name: string,
    site: azure.web.WebApp,
    deployed: pulumi.Resource,
    deploymentHash: pulumi.Output<string>,
  ): pulumi.Output<string> {
    const armToken = azure.authorization.getClientTokenOutput({}, { parent: this });
    const key = new FunctionKey(
      `${name}-function-key`,
      { siteId: site.id, deploymentHash, armToken: armToken.token },
      { parent: this, dependsOn: [deployed] },
    );
    return pulumi.secret(key.functionKey);
  }
}
