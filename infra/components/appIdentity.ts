// The Function App's user-assigned identity and its three roles on the storage account: how the app reaches storage without keys.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { roleDefinitionId, storageRoles } from "../roles";
import { formerlyParentedAbove } from "./aliases";

export interface AppIdentityArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Scope of the role assignments. */
  storageAccountId: pulumi.Input<string>;
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
    this.roleAssignments = Object.entries(storageRoles).map(
      ([key, role]) =>
        new azure.authorization.RoleAssignment(
          `${name}-${key}`,
          {
            scope: args.storageAccountId,
            principalId: identity.principalId,
            // Declaring the type lets ARM accept a principal that has not replicated yet.
            principalType: azure.authorization.PrincipalType.ServicePrincipal,
            roleDefinitionId: client.subscriptionId.apply((subscriptionId) =>
              roleDefinitionId(subscriptionId, role.id),
            ),
            description: `cardpress Function App: ${role.name}`,
          },
          childOpts,
        ),
    );

    this.id = identity.id;
    this.clientId = identity.clientId;
    this.registerOutputs({ id: this.id, clientId: this.clientId });
  }
}
