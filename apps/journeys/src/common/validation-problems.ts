import type { ValidationError } from 'class-validator';
import type { ProblemDetail } from './errors';

/** Flattens class-validator errors into problems with a JSON path each. */
export function validationProblems(errors: readonly ValidationError[], parent = '$'): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      problems.push({ code: constraint, path, message });
    }
    if (error.children?.length) problems.push(...validationProblems(error.children, path));
  }
  return problems;
}
