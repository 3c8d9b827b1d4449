// The Function App's site: its hosting plan, the hardened site running the package, the plan's deployment step, and the host key read after it.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../../settings";
import { functionAppSettings } from "../appSettings";
import { InfraError } from "../errors";
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
    const site = this.createSite(name, args, hosted, plan, opts);
    this.disableBasicAuthPublishing(name, args.resourceGroupName, site, opts);
    const deployed = args.hostingPlan.deployPackage(
      name,
      site,
      hosted,
      formerlyParentedAbove(this, opts, { dependsOn: [site, args.appPackage] }),
    );

    this.name = site.name;
    this.id = site.id;
    this.defaultHostName = site.defaultHostName;
    this.defaultFunctionKey = this.readDefaultFunctionKey(args.resourceGroupName, site, deployed);
    this.registerOutputs({ name: this.name, id: this.id, defaultHostName: this.defaultHostName });
  }

  private createSite(
    name: string,
    args: FunctionSiteArgs,
    hosted: HostedApp,
    plan: azure.web.AppServicePlan,
    opts: pulumi.ComponentResourceOptions | undefined,
  ): azure.web.WebApp {
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
    return new azure.web.WebApp(
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
          appSettings,
        },
      },
      formerlyParentedAbove(this, opts, { dependsOn: args.identity.roleAssignments }),
    );
  }

  /** Code arrives only through the plan's deployment step: no basic-auth publishing over FTP or SCM. */
  private disableBasicAuthPublishing(
    name: string,
    resourceGroupName: pulumi.Input<string>,
    site: azure.web.WebApp,
    opts: pulumi.ComponentResourceOptions | undefined,
  ): void {
    for (const [policy, Resource] of [
      ["ftp", azure.web.WebAppFtpAllowed],
      ["scm", azure.web.WebAppScmAllowed],
    ] as const) {
      new Resource(
        `${name}-${policy}-basic-auth`,
        { resourceGroupName, name: site.name, allow: false },
        formerlyParentedAbove(this, opts),
      );
    }
  }

  /** Keys exist once the host has started; the deployment step waits until ARM lists the functions. */
  private readDefaultFunctionKey(
    resourceGroupName: pulumi.Input<string>,
    site: azure.web.WebApp,
    deployed: pulumi.Resource,
  ): pulumi.Output<string> {
    const hostKeys = azure.web.listWebAppHostKeysOutput(
      { resourceGroupName, name: site.name },
      { parent: this, dependsOn: [deployed] },
    );
    return pulumi.secret(
      hostKeys.apply((keys) => {
        const key = keys.functionKeys?.["default"];
        if (!key) {
          throw new InfraError(
            "the Function App returned no default function key yet (the host may still be starting): run `pulumi up` again",
          );
        }
        return key;
      }),
    );
  }
}
