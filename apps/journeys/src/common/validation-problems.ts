import type { ValidationError } from 'class-validator';
import type { ProblemDetail } from './errors';

/** class-validator constraints (query parameters) in the problem codes the schemas use. */
const CODES: Record<string, string> = {
  isIn: 'InvalidValue',
  isInt: 'WrongType',
  isString: 'WrongType',
  matches: 'InvalidValue',
  min: 'InvalidValue',
  max: 'InvalidValue',
  whitelistValidation: 'UnknownField',
};

/** Flattens class-validator errors into problems with a JSON path each. */
export function validationProblems(errors: readonly ValidationError[], parent = '$'): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      problems.push({ code: CODES[constraint] ?? constraint, path, message });
    }
    if (error.children?.length) problems.push(...validationProblems(error.children, path));
  }
  return problems;
}
