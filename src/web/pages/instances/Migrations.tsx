import { useQuery } from '@tanstack/react-query';
import { migrationRoutes } from '../../../api/routes/migrations.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { shortTime } from '../fleet/host-rows.js';
import { migrationTimeline } from './migration-steps.js';

/** The instance's migrations, newest first, each with its steps as a timeline (live). */
export function Migrations({ id }: { id: string }) {
  const api = useApi();
  const list = useQuery({
    queryKey: ['migrations', id],
    queryFn: () => api.call(migrationRoutes.list, { params: { id }, query: { limit: 10 } }),
  });
  return (
    <section aria-labelledby="migrations-title" data-testid="migrations">
      <h2 id="migrations-title">Migrations</h2>
      <ErrorNote error={list.error} />
      {list.data?.items.length === 0 ? <p className="muted">None.</p> : null}
      {(list.data?.items ?? []).map((m) => {
        const t = migrationTimeline(m);
        return (
          <article
            key={m.id}
            className="migration"
            aria-label={`migration ${m.source} to ${m.target}`}
          >
            <h3>
              {m.source} → {m.target}: {m.state}
            </h3>
            <p className="muted">
              started {shortTime(m.createdAt)}
              {m.finishedAt === null ? '' : `, finished ${shortTime(m.finishedAt)}`}
            </p>
            <ol className="timeline">
              {t.steps.map((s, i) => (
                <li key={`${s.step}-${i}`} className={`step-${s.status}`}>
                  <strong>{s.step}</strong> {s.status}
                  {s.detail === null ? null : <span className="muted"> — {s.detail}</span>}
                </li>
              ))}
            </ol>
            {t.outcome === null ? null : <p>{t.outcome}</p>}
          </article>
        );
      })}
    </section>
  );
}
