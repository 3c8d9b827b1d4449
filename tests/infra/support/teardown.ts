// What `pulumi destroy` would leave behind, judged from what a mocked program registered: protected or retained resources, and anything outside the resource group.
import type { RecordedResource, Registration } from "../mocks";

/**
 * Resources allowed to be `retainOnDelete`, each with why that still leaves nothing behind. The
 * package blob is never deleted by a replace (infra/components/appPackage.ts); on destroy it
 * goes with its storage account, which Pulumi deletes, and with the resource group.
 */
export const retainedOnPurpose: Record<string, string> = {
  "azure-native:storage:Blob":
    "inside the storage account, which `pulumi destroy` deletes with its resource group",
};

/** Whether an ARM id lies inside the named resource group. */
function isInGroup(armId: string, groupName: string): boolean {
  const [, subscriptions, , resourceGroups, group] = armId.split("/");
  return (
    subscriptions?.toLowerCase() === "subscriptions" &&
    resourceGroups?.toLowerCase() === "resourcegroups" &&
    group?.toLowerCase() === groupName.toLowerCase()
  );
}

/**
 * The problems that would keep `pulumi destroy` from removing everything: a protected resource
 * (destroy refuses), a retained one not in `retainedOnPurpose`, an Azure resource outside the
 * stack's resource group (deleting the group would not take it along). Empty when none.
 */
export function teardownProblems(
  registrations: readonly Registration[],
  resources: readonly RecordedResource[],
): string[] {
  const problems: string[] = [];
  for (const registration of registrations) {
    const what = `${registration.type} ${registration.name}`;
    if (registration.protect) problems.push(`${what} is protected`);
    if (registration.retainOnDelete && !(registration.type in retainedOnPurpose)) {
      problems.push(`${what} is retained on delete`);
    }
  }
  const groups = resources.filter((r) => r.type === "azure-native:resources:ResourceGroup");
  const [group] = groups;
  if (groups.length !== 1 || !group) return [...problems, `${groups.length} resource groups`];
  const groupName = String(group.state.name);
  for (const resource of resources) {
    if (!resource.type.startsWith("azure-native:") || resource === group) continue;
    const what = `${resource.type} ${resource.name}`;
    if ("resourceGroupName" in resource.inputs) {
      if (resource.inputs.resourceGroupName !== groupName)
        problems.push(`${what} is outside the group`);
    } else if ("scope" in resource.inputs) {
      if (!isInGroup(String(resource.inputs.scope), groupName)) {
        problems.push(`${what} is scoped outside the group`);
      }
    } else {
      problems.push(`${what} names neither a resource group nor a scope`);
    }
  }
  return problems;
}
