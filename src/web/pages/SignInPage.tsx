import { useState, type SyntheticEvent } from 'react';
import { useSignIn } from '../app/session.js';
import { ErrorNote, FieldError } from '../components/ErrorNote.js';
import { fieldError } from '../components/errors.js';

/**
 * Sign-in: the API token is sent once, in the body, and exchanged for an
 * HttpOnly session cookie; the page never stores it or puts it in a URL.
 */
export function SignInPage() {
  const [token, setToken] = useState('');
  const signIn = useSignIn();
  const tokenError = fieldError(signIn.error, 'token');
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    signIn.mutate(token.trim());
  };
  return (
    <main id="main" className="sign-in">
      <h1>vfleet</h1>
      {/* method=post: even a submit the script did not catch never puts the token in a URL. */}
      <form
        method="post"
        aria-labelledby="sign-in-title"
        data-testid="sign-in-form"
        onSubmit={submit}
      >
        <h2 id="sign-in-title">Sign in</h2>
        <p>
          Paste an admin or tenant API token (the admin token is in the controller&apos;s data dir,
          file <code>admin-token</code>).
        </p>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          aria-invalid={tokenError !== null}
          aria-describedby={tokenError === null ? undefined : 'token-error'}
          onChange={(e) => {
            setToken(e.target.value);
          }}
        />
        <FieldError id="token-error" message={tokenError} />
        <button type="submit" disabled={signIn.isPending}>
          Sign in
        </button>
        {tokenError === null ? <ErrorNote error={signIn.error} /> : null}
      </form>
    </main>
  );
}
