import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';

/** The monitoring files vfleet ships: a Grafana dashboard and Prometheus alert rules. */
export const DEPLOY = {
  dashboard: resolve(import.meta.dirname, '..', '..', 'deploy', 'grafana', 'vfleet-dashboard.json'),
  alerts: resolve(import.meta.dirname, '..', '..', 'deploy', 'prometheus', 'vfleet-alerts.yml'),
  alertTests: resolve(
    import.meta.dirname,
    '..',
    '..',
    'deploy',
    'prometheus',
    'vfleet-alerts.test.yml',
  ),
};

interface Dashboard {
  panels: { targets?: { expr: string }[] }[];
  templating: { list: { definition?: string }[] };
}
interface Rules {
  groups: { rules: { expr: string }[] }[];
}

/** Every PromQL expression of the dashboard (panels and variables) and of the alert rules. */
export async function shippedExpressions(): Promise<string[]> {
  const dash = JSON.parse(await readFile(DEPLOY.dashboard, 'utf8')) as Dashboard;
  const rules = parse(await readFile(DEPLOY.alerts, 'utf8')) as Rules;
  return [
    ...dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dash.templating.list.flatMap((v) => (v.definition === undefined ? [] : [v.definition])),
    ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
  ];
}

/** The vfleet metric names an expression reads (a histogram's series by their family's name). */
export const vfleetNamesIn = (expr: string): string[] =>
  [...expr.matchAll(/\bvfleet_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''));
