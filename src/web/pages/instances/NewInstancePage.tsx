import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import type { SessionView } from '../../../api/answers.js';
import { instanceRoutes } from '../../../api/routes/instances.js';
import { networkRoutes } from '../../../api/routes/networks.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote, FieldError } from '../../components/ErrorNote.js';
import { fieldError } from '../../components/errors.js';
import { useNavigate } from '../../components/navigate.js';
import { emptyForm, instanceBody, VNIC_CHOICES, type InstanceForm } from './instance-form.js';

/** Networks offered in the port picker: one request, as many as a page gives. */
const NETWORK_CHOICES = 1000;

/** Create an instance with ports; the API's refusal shows beside the field it names. */
export function NewInstancePage({ session }: { session: SessionView }) {
  const api = useApi();
  const navigate = useNavigate();
  const [form, setForm] = useState<InstanceForm>(emptyForm);
  const networks = useQuery({
    queryKey: ['networks', 'choices'],
    queryFn: () => api.call(networkRoutes.list, { query: { limit: NETWORK_CHOICES } }),
  });
  const create = useMutation({
    mutationFn: (f: InstanceForm) => api.call(instanceRoutes.create, { body: instanceBody(f) }),
    onSuccess: (i) => {
      navigate(`/instances/${encodeURIComponent(i.id)}`);
    },
  });
  const set = (patch: Partial<InstanceForm>) => {
    setForm((f) => ({ ...f, ...patch }));
  };
  const setPort = (i: number, patch: Partial<InstanceForm['ports'][number]>) => {
    set({ ports: form.ports.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  };
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    create.mutate(form);
  };
  const err = (field: string) => fieldError(create.error, field);
  const text = (field: 'name' | 'vcpus' | 'memoryMb' | 'tenant', label: string) => (
    <div className="field">
      <label htmlFor={`f-${field}`}>{label}</label>
      <input
        id={`f-${field}`}
        name={field}
        value={form[field]}
        inputMode={field === 'vcpus' || field === 'memoryMb' ? 'numeric' : undefined}
        aria-invalid={err(field) !== null}
        aria-describedby={err(field) === null ? undefined : `f-${field}-error`}
        onChange={(e) => {
          set({ [field]: e.target.value });
        }}
      />
      <FieldError id={`f-${field}-error`} message={err(field)} />
    </div>
  );
  // The whole message shows unless it is already beside the field it names.
  const shown =
    ['name', 'vcpus', 'memoryMb', ...(session.role === 'admin' ? ['tenant'] : [])].some(
      (f) => err(f) !== null,
    ) || form.ports.some((_, i) => err(`ports[${i}]`) !== null);
  return (
    <>
      <h1>Create an instance</h1>
      <form onSubmit={submit} data-testid="create-instance-form" aria-label="Create an instance">
        {text('name', 'Name')}
        {text('vcpus', 'vCPUs')}
        {text('memoryMb', 'Memory (MB)')}
        {session.role === 'admin' ? text('tenant', 'Tenant') : null}
        <fieldset>
          <legend>Ports</legend>
          <ErrorNote error={networks.error} />
          {form.ports.map((p, i) => (
            <div key={i} className="port-row">
              <label htmlFor={`port-${i}-network`}>Port {i + 1} network</label>
              <select
                id={`port-${i}-network`}
                value={p.network}
                aria-invalid={err(`ports[${i}].network`) !== null}
                onChange={(e) => {
                  setPort(i, { network: e.target.value });
                }}
              >
                <option value="">choose…</option>
                {(networks.data?.items ?? []).map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.name} ({n.tenant}, VLAN {n.vlan} on {n.physnet})
                  </option>
                ))}
              </select>
              <label htmlFor={`port-${i}-vnic`}>vNIC type</label>
              <select
                id={`port-${i}-vnic`}
                value={p.vnicType}
                onChange={(e) => {
                  const v = VNIC_CHOICES.find((t) => t === e.target.value);
                  if (v !== undefined) setPort(i, { vnicType: v });
                }}
              >
                {VNIC_CHOICES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
              <button
                type="button"
                onClick={() => {
                  set({ ports: form.ports.filter((_, j) => j !== i) });
                }}
              >
                Remove port {i + 1}
              </button>
              <FieldError id={`port-${i}-error`} message={err(`ports[${i}]`)} />
            </div>
          ))}
          <button
            type="button"
            onClick={() => {
              set({ ports: [...form.ports, { network: '', vnicType: 'direct' }] });
            }}
          >
            Add a port
          </button>
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          Create
        </button>
        {shown ? null : <ErrorNote error={create.error} />}
      </form>
    </>
  );
}
