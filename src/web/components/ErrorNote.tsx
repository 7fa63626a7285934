import { shownError } from './errors.js';

/** A failed call, as the API said it: message, code and the field at fault. */
export function ErrorNote({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const e = shownError(error);
  return (
    <p className="error" role="alert">
      {e.message}
      {e.code === null ? null : <span className="muted"> ({e.code})</span>}
      {e.field === null ? null : <span className="muted"> field: {e.field}</span>}
    </p>
  );
}

/** The message for one form field, shown beside it and tied to it by id. */
export function FieldError({ id, message }: { id: string; message: string | null }) {
  if (message === null) return null;
  return (
    <span id={id} className="field-error" role="alert">
      {message}
    </span>
  );
}
