/** Scopes a personal API key can carry, shaped `resource:action`; `*` grants everything. */
export const SCOPES = ['user:read', 'user:write', 'organization:read', 'organization:write', '*'] as const;
export type Scope = (typeof SCOPES)[number];
export type RequiredScope = Exclude<Scope, '*'>;

export const isScope = (value: unknown): value is Scope =>
  typeof value === 'string' && (SCOPES as readonly string[]).includes(value);

/** `X:write` also satisfies `X:read`; `*` satisfies all. */
export function grants(granted: readonly string[], required: RequiredScope): boolean {
  if (granted.includes('*') || granted.includes(required)) return true;
  const [resource, action] = required.split(':');
  return action === 'read' && granted.includes(`${resource}:write`);
}
