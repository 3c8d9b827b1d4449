// Built-in Azure roles the Function App's identity holds, and the condition that keeps it from writing its own deployment packages.
import { InfraError } from "./errors";

/** A built-in role: its ids are the same in every tenant (learn.microsoft.com: Azure built-in roles). */
export interface BuiltInRole {
  name: string;
  id: string;
}

/**
 * Roles on the storage account. What the Functions host needs with an identity-based
 * `AzureWebJobsStorage` (functions-reference, "Connecting to host storage with an identity"):
 * Blob Data Owner, Queue Data Contributor, Table Data Contributor. Storage Blob Delegator is not
 * granted: Blob Data Owner already holds its only action,
 * `Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action` (the
 * user-delegation key that signs the read-only SAS URLs, jobs/sas.ts).
 */
export const storageRoles = {
  /** Host locks, leases and keys in blobs; renders, job records and assets. Conditioned: see `blobOwnerCondition`. */
  blobDataOwner: { name: "Storage Blob Data Owner", id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b" },
  /** The queue trigger reads and deletes messages; createBatch sends them; poison handling moves them. */
  queueDataContributor: {
    name: "Storage Queue Data Contributor",
    id: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  },
  /** The host writes its diagnostic events to tables; without this role it logs warnings. */
  tableDataContributor: {
    name: "Storage Table Data Contributor",
    id: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  },
} as const satisfies Record<string, BuiltInRole>;

/**
 * On the Application Insights component: ingestion with Microsoft Entra authentication (the
 * role's name says metrics, but it publishes all telemetry; azure-monitor/app/azure-ad-authentication).
 */
export const monitoringMetricsPublisher = {
  name: "Monitoring Metrics Publisher",
  id: "3913510d-42f4-4e42-8a64-420c390055eb",
} as const satisfies BuiltInRole;

/** The ARM id of a built-in role in a subscription. */
export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/** The only condition language version ARM accepts for role assignment conditions. */
export const conditionVersion = "2.0";

/**
 * The blob data actions of Storage Blob Data Owner (`blobs/*`) that change or remove a blob on an
 * account without hierarchical namespace, as listed for conditions in "Actions and attributes for
 * Azure role assignment conditions for Azure Blob Storage" (storage-auth-abac-attributes), each
 * with the container name among its resource attributes. `runAsSuperUser` grants every data
 * operation, so it is conditioned too (storage-auth-abac-examples, the Owner examples). Left out:
 * `move`, `manageOwnership`, `modifyPermissions` (hierarchical namespace only, which this account
 * does not have) and `immutableStorage/runAsSuperUser` (a legal hold can keep a blob, never replace
 * it). Reads and lists are not in the list: the host reads its package through this role.
 */
export const blobWriteActions = [
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/deleteBlobVersion/action",
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/permanentDelete/action",
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/write",
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/runAsSuperUser/action",
] as const;

/**
 * The condition on the identity's Storage Blob Data Owner assignment: any blob write, delete or
 * tag change is allowed only outside the protected containers, so code running in the app cannot
 * overwrite or delete the package it runs from. Everything else the role grants (reads, lists,
 * the user-delegation key, container management) is unchanged. Format: "Azure role assignment
 * condition format and syntax" (role-based-access-control/conditions-format): for a request whose
 * action is one of the listed ones, the container name must differ from each protected one.
 */
export function blobOwnerCondition(protectedContainers: readonly string[]): string {
  const invalid = protectedContainers.filter(
    (name) => !/^[a-z0-9](?:-?[a-z0-9]){2,62}$/.test(name),
  );
  if (protectedContainers.length === 0 || invalid.length > 0) {
    throw new InfraError(
      `a role condition needs one or more valid container names (3-63 lower-case letters, digits, single dashes); received ${JSON.stringify(protectedContainers)}`,
    );
  }
  const notTheseActions = blobWriteActions
    .map((action) => `  !(ActionMatches{'${action}'})`)
    .join("\n  AND\n");
  const outsideProtected = protectedContainers
    .map(
      (container) =>
        `  @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringNotEquals '${container}'`,
    )
    .join("\n  AND\n");
  return `(\n (\n${notTheseActions}\n )\n OR\n (\n${outsideProtected}\n )\n)`;
}
