/**
 * The fields Grafana's dashboard JSON model requires (grafana.com/docs: "JSON model"): problems
 * as `path: what is wrong`; none means Grafana will import it.
 */
export function dashboardProblems(model: unknown): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, path: string, what: string) => {
    if (!ok) problems.push(`${path}: ${what}`);
  };
  const d = model as Record<string, unknown>;
  need(typeof d === 'object' && d !== null, '$', 'must be an object');
  if (problems.length) return problems;
  need(typeof d.title === 'string' && d.title.length > 0, 'title', 'a non-empty string');
  need(
    typeof d.uid === 'string' && /^[a-zA-Z0-9_-]{1,40}$/.test(d.uid),
    'uid',
    'at most 40 letters, digits, - and _',
  );
  need(Number.isInteger(d.schemaVersion), 'schemaVersion', 'an integer');
  const time = d.time as Record<string, unknown> | undefined;
  need(typeof time?.from === 'string' && typeof time?.to === 'string', 'time', '{ from, to } strings');
  const templating = d.templating as { list?: unknown } | undefined;
  need(
    templating === undefined || Array.isArray(templating.list),
    'templating.list',
    'an array of variables',
  );
  const variables = new Set<string>();
  for (const [i, v] of ((templating?.list as Record<string, unknown>[] | undefined) ?? []).entries()) {
    const at = `templating.list[${i}]`;
    need(
      typeof v.name === 'string' && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(v.name) && !variables.has(v.name),
      `${at}.name`,
      'a unique variable name',
    );
    variables.add(v.name as string);
    need(typeof v.type === 'string', `${at}.type`, 'a variable type');
    if (v.type === 'query')
      need(
        typeof v.query === 'string' || typeof v.query === 'object',
        `${at}.query`,
        'the query for its values',
      );
  }
  // $name, ${name} and [[name]] must name a variable; $__… are Grafana's own.
  const unknownVariables = (text: string) =>
    [...text.matchAll(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)|\[\[([a-zA-Z_][a-zA-Z0-9_]*)/g)]
      .map((m) => m[1] ?? m[2]!)
      .filter((name) => !name.startsWith('__') && !variables.has(name));
  need(Array.isArray(d.panels), 'panels', 'an array');
  const ids = new Set<unknown>();
  for (const [i, p] of ((d.panels as Record<string, unknown>[]) ?? []).entries()) {
    const at = `panels[${i}]`;
    need(Number.isInteger(p.id) && !ids.has(p.id), `${at}.id`, 'a unique integer');
    ids.add(p.id);
    need(typeof p.type === 'string', `${at}.type`, 'a panel plugin id');
    need(typeof p.title === 'string', `${at}.title`, 'a string');
    if (p.repeat !== undefined)
      need(
        typeof p.repeat === 'string' && variables.has(p.repeat),
        `${at}.repeat`,
        'the name of a dashboard variable',
      );
    const unknownInTitle = typeof p.title === 'string' ? unknownVariables(p.title) : [];
    need(!unknownInTitle.length, `${at}.title`, `no undefined variables (${unknownInTitle.join(', ')})`);
    const g = p.gridPos as Record<string, unknown> | undefined;
    need(
      !!g &&
        ['x', 'y', 'w', 'h'].every((k) => Number.isInteger(g[k])) &&
        (g.x as number) + (g.w as number) <= 24,
      `${at}.gridPos`,
      'integer x, y, w, h within the 24-column grid',
    );
    const targets = p.targets as Record<string, unknown>[] | undefined;
    need(Array.isArray(targets) && targets.length > 0, `${at}.targets`, 'at least one query');
    for (const [j, t] of (targets ?? []).entries()) {
      need(typeof t.refId === 'string', `${at}.targets[${j}].refId`, 'a string');
      need(
        typeof t.expr === 'string' && t.expr.length > 0,
        `${at}.targets[${j}].expr`,
        'a PromQL expression',
      );
      const unknown = typeof t.expr === 'string' ? unknownVariables(t.expr) : [];
      need(!unknown.length, `${at}.targets[${j}].expr`, `no undefined variables (${unknown.join(', ')})`);
    }
  }
  return problems;
}
