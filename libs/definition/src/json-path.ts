const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.a` + `b` -> `$.a.b`; keys that are not identifiers use brackets: `$.a['first name']`. */
export function childPath(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return `${path}.${key}`;
  return `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}
