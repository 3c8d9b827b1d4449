// The Function App's user-assigned identity and its roles: storage without keys (never writing its own packages), telemetry without the ingestion key.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import {
  blobOwnerCondition,
  conditionVersion,
  monitoringMetricsPublisher,
  roleDefinitionId,
  storageRoles,
  type BuiltInRole,
} from "../roles";
import { formerlyParentedAbove } from "./aliases";

export interface AppIdentityArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Scope of the storage role assignments. */
  storageAccountId: pulumi.Input<string>;
  /**
   * Containers the app may read but never write, delete or re-tag blobs in: where its packages
   * are uploaded (the condition on Blob Data Owner, infra/roles.ts).
   */
  readOnlyContainers: pulumi.Input<string>[];
  /** Scope of Monitoring Metrics Publisher: telemetry is ingested with Entra authentication. */
  applicationInsightsId: pulumi.Input<string>;
}

/**
 * A user-assigned identity exists (and holds its roles) before the site: the first cold start
 * can already read the package and the queues. A system-assigned identity would only exist once
 * the site does, so its role assignments would race the host's first start.
 */
export class AppIdentity extends pulumi.ComponentResource {
  /** ARM id: the site runs as it, and the host fetches the package with it. */
  public readonly id: pulumi.Output<string>;
  /** Client id: identity-based host storage names it (`AzureWebJobsStorage__clientId`). */
  public readonly clientId: pulumi.Output<string>;
  /** The role assignments; the site depends on them. */
  public readonly roleAssignments: azure.authorization.RoleAssignment[];

  constructor(name: string, args: AppIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cardpress:functions:AppIdentity", name, {}, opts);
    const childOpts = formerlyParentedAbove(this, opts);

    const identity = new azure.managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceGroupName: args.resourceGroupName, location: args.location },
      childOpts,
    );

    const client = azure.authorization.getClientConfigOutput({ parent: this });
    // Assignments from before the FunctionApp was split keep their alias (`childOpts`); the ones
    // added since (issue 13) never had another parent.
    const newOpts = { parent: this };
    const assign = (
      key: string,
      role: BuiltInRole,
      scope: pulumi.Input<string>,
      options: pulumi.CustomResourceOptions,
      condition?: pulumi.Input<string>,
    ): azure.authorization.RoleAssignment =>
      new azure.authorization.RoleAssignment(
        `${name}-${key}`,
        {
          scope,
          principalId: identity.principalId,
          // Declaring the type lets ARM accept a principal that has not replicated yet.
          principalType: azure.authorization.PrincipalType.ServicePrincipal,
          roleDefinitionId: client.subscriptionId.apply((subscriptionId) =>
            roleDefinitionId(subscriptionId, role.id),
          ),
          description: `cardpress Function App: ${role.name}`,
          ...(condition ? { condition, conditionVersion } : {}),
        },
        options,
      );

    this.roleAssignments = [
      assign(
        "blobDataOwner",
        storageRoles.blobDataOwner,
        args.storageAccountId,
        childOpts,
        pulumi.all(args.readOnlyContainers).apply(blobOwnerCondition),
      ),
      assign(
        "queueDataContributor",
        storageRoles.queueDataContributor,
        args.storageAccountId,
        childOpts,
      ),
      assign(
        "tableDataContributor",
        storageRoles.tableDataContributor,
        args.storageAccountId,
        newOpts,
      ),
      assign("metricsPublisher", monitoringMetricsPublisher, args.applicationInsightsId, newOpts),
    ];

    this.id = identity.id;
    this.clientId = identity.clientId;
    this.registerOutputs({ id: this.id, clientId: this.clientId });
  }
}
