/**
 * The correlation rule (REFERENCE "Entry"), the one function every place that matches a later
 * trigger to an instance applies: exit triggers, goals and `waitForTrigger`.
 *
 * An instance started without a bindingId accepts any trigger, as does a trigger without one; the
 * same type with the same id is accepted, the same type with another id is someone else's (ignored),
 * another type is unrelated (accepted). A bindingId is `type/id`; text without `/` is a type with an
 * empty id.
 */
export function bindingAccepts(instanceBindingId: string | undefined, offeredBindingId: string | undefined): boolean {
  if (instanceBindingId === undefined || offeredBindingId === undefined) return true;
  if (instanceBindingId === offeredBindingId) return true;
  const instanceSlash = typeOfBinding(instanceBindingId);
  const offeredSlash = typeOfBinding(offeredBindingId);
  const sameType =
    instanceSlash === offeredSlash &&
    instanceBindingId.slice(0, instanceSlash) === offeredBindingId.slice(0, offeredSlash);
  return !sameType;
}

/** Length of the type part: up to the first `/`, or the whole text. */
function typeOfBinding(bindingId: string): number {
  const slash = bindingId.indexOf('/');
  return slash === -1 ? bindingId.length : slash;
}
