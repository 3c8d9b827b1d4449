// The infrastructure program's base error: what `pulumi up` (or the deploy step) could not do, said to the person running it.

/** Every error infra/ throws is one; Pulumi prints its message, and a stack is never needed to act on it. */
export class InfraError extends Error {
  override name = "InfraError";
}
