// Built-in Azure role definitions the Function App's identity is granted on the storage account.

/** Built-in role ids are the same in every tenant (learn.microsoft.com: Azure built-in roles). */
export const storageRoles = {
  /** The Functions host keeps timer locks and leases in blobs; the app writes renders and records. */
  blobDataOwner: { name: "Storage Blob Data Owner", id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b" },
  /** The queue trigger reads and deletes messages; createBatch sends them; poison handling moves them. */
  queueDataContributor: {
    name: "Storage Queue Data Contributor",
    id: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  },
  /** Gets user-delegation keys, which sign the read-only SAS URLs handed to users. */
  blobDelegator: { name: "Storage Blob Delegator", id: "db58b8e5-c6ad-4a2a-8342-4190687cbf4a" },
} as const;

/** The ARM id of a built-in role in a subscription. */
export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}
