import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import type { InstanceView, SessionView } from '../../../api/answers.js';
import { hostRoutes } from '../../../api/routes/hosts.js';
import { instanceRoutes } from '../../../api/routes/instances.js';
import { migrationRoutes } from '../../../api/routes/migrations.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote, FieldError } from '../../components/ErrorNote.js';
import { fieldError } from '../../components/errors.js';

/** Delete, after a confirmation step. */
export function DeleteInstance({ instance }: { instance: InstanceView }) {
  const api = useApi();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.call(instanceRoutes.remove, { params: { id: instance.id } }),
    onSettled: () => client.invalidateQueries(),
  });
  if (!confirming)
    return (
      <button
        type="button"
        onClick={() => {
          setConfirming(true);
        }}
      >
        Delete {instance.name}
      </button>
    );
  return (
    <div role="group" aria-label="Confirm delete" className="confirm">
      <span>Delete {instance.name}? Its VFs are reset before anyone gets them again.</span>{' '}
      <button
        type="button"
        className="danger"
        disabled={remove.isPending}
        onClick={() => {
          remove.mutate();
        }}
      >
        Yes, delete {instance.name}
      </button>{' '}
      <button
        type="button"
        onClick={() => {
          setConfirming(false);
        }}
      >
        Cancel
      </button>
      {remove.isSuccess ? <span role="status"> deleting…</span> : null}
      <ErrorNote error={remove.error} />
    </div>
  );
}

/**
 * Migrate to a chosen host (admins pick from the first page of hosts;
 * empty: the scheduler's choice). The steps then show live under Migrations.
 */
export function MigrateInstance({
  instance,
  session,
}: {
  instance: InstanceView;
  session: SessionView;
}) {
  const api = useApi();
  const client = useQueryClient();
  const [target, setTarget] = useState('');
  const hosts = useQuery({
    queryKey: ['hosts', 'choices'],
    queryFn: () => api.call(hostRoutes.list, { query: { limit: 100, ready: 'true' } }),
    enabled: session.role === 'admin',
  });
  const migrate = useMutation({
    mutationFn: (host: string) =>
      api.call(migrationRoutes.start, {
        params: { id: instance.id },
        body: host === '' ? {} : { host },
      }),
    onSettled: () => client.invalidateQueries(),
  });
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    migrate.mutate(target.trim());
  };
  const err = fieldError(migrate.error, 'host');
  const choices = (hosts.data?.items ?? []).filter((h) => h.id !== instance.host);
  return (
    <form onSubmit={submit} className="migrate" aria-label={`Migrate ${instance.name}`}>
      <label htmlFor="migrate-host">Target host</label>
      {session.role === 'admin' ? (
        <select
          id="migrate-host"
          value={target}
          aria-invalid={err !== null}
          onChange={(e) => {
            setTarget(e.target.value);
          }}
        >
          <option value="">the scheduler&apos;s choice</option>
          {choices.map((h) => (
            <option key={h.id} value={h.id}>
              {h.id}
            </option>
          ))}
        </select>
      ) : (
        <input
          id="migrate-host"
          value={target}
          placeholder="empty: the scheduler's choice"
          aria-invalid={err !== null}
          onChange={(e) => {
            setTarget(e.target.value);
          }}
        />
      )}
      <button type="submit" disabled={migrate.isPending}>
        Migrate
      </button>
      <FieldError id="migrate-host-error" message={err} />
      {migrate.isSuccess ? <span role="status"> started: steps below</span> : null}
      {err === null ? <ErrorNote error={migrate.error} /> : null}
    </form>
  );
}
