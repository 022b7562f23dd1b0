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
  need(Array.isArray(d.panels), 'panels', 'an array');
  const ids = new Set<unknown>();
  for (const [i, p] of ((d.panels as Record<string, unknown>[]) ?? []).entries()) {
    const at = `panels[${i}]`;
    need(Number.isInteger(p.id) && !ids.has(p.id), `${at}.id`, 'a unique integer');
    ids.add(p.id);
    need(typeof p.type === 'string', `${at}.type`, 'a panel plugin id');
    need(typeof p.title === 'string', `${at}.title`, 'a string');
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
    }
  }
  return problems;
}
