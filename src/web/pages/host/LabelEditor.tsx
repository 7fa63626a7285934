import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { hostRoutes } from '../../../api/routes/hosts.js';
import { useApi } from '../../app/deps-context.js';
import { ErrorNote, FieldError } from '../../components/ErrorNote.js';
import { fieldError } from '../../components/errors.js';
import { labelsText, parseLabels } from './labels.js';

/** Edit a host's labels (PATCH /v1/hosts/{id}); the API's refusal shows at the field. */
export function LabelEditor({ host, labels }: { host: string; labels: Record<string, string> }) {
  const api = useApi();
  const client = useQueryClient();
  // null until edited: the field then follows the host's labels as they change live.
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? labelsText(labels);
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (next: Record<string, string>) =>
      api.call(hostRoutes.update, { params: { id: host }, body: { labels: next } }),
    onSuccess: () => {
      setDraft(null);
      return client.invalidateQueries();
    },
  });
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    const parsed = parseLabels(text);
    if ('problem' in parsed) {
      setProblem(parsed.problem);
      return;
    }
    setProblem(null);
    save.mutate(parsed.labels);
  };
  const message = problem ?? fieldError(save.error, 'labels');
  return (
    <form onSubmit={submit} className="labels-form" aria-labelledby="labels-title">
      <h2 id="labels-title">Labels</h2>
      <label htmlFor="labels">One key=value per line</label>
      <textarea
        id="labels"
        rows={3}
        value={text}
        aria-invalid={message !== null}
        aria-describedby={message === null ? undefined : 'labels-error'}
        onChange={(e) => {
          setDraft(e.target.value);
        }}
      />
      <FieldError id="labels-error" message={message} />
      <button type="submit" disabled={save.isPending}>
        Save labels
      </button>
      {save.isSuccess ? <span role="status"> saved</span> : null}
      {message === null ? <ErrorNote error={save.error} /> : null}
    </form>
  );
}
