/** Limits of the definition format. Lengths are checked by the definition schema (`@journeys/contract`), counts and `validateForPublish` (counts). */
export const LIMITS = {
  nameMaxLength: 150,
  descriptionMaxLength: 2000,
  /** Step ids, trigger names, segment ids, attribute names. */
  identifierMaxLength: 200,
  contentMaxLength: 10_000,
  /** A string value inside a condition or an activated trigger. */
  valueMaxLength: 1000,
  /** Elements of any list read by the parser (segments, steps, branches, `in` values ...). */
  listMaxLength: 1000,
  /** Keys of an `activateTrigger` step's `attributes` (a trigger has at most 30 attributes). */
  activatedAttributesMax: 30,
  conditionMaxDepth: 10,
  stepsMax: 200,
  branchesMin: 1,
  branchesMax: 25,
  splitBranchesMin: 2,
  segmentsMin: 1,
  segmentsMax: 15,
  /** Longest wait and `within`, in days of 24 hours. */
  waitMaxDays: 90,
} as const;

export const DAY_MS = 24 * 60 * 60 * 1000;
export const WAIT_MAX_MS = LIMITS.waitMaxDays * DAY_MS;
