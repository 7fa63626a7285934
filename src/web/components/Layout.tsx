import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import type { SessionView } from '../../api/answers.js';
import { useLiveState } from '../app/live.js';
import { useSignOut } from '../app/session.js';
import { SearchBox } from './SearchBox.js';

/** The pages a role finds in the navigation: tenants get no fleet or host pages. */
export function navFor(role: SessionView['role']): { href: string; label: string }[] {
  const mine = [
    { href: '/instances', label: 'Instances' },
    { href: '/networks', label: 'Networks' },
  ];
  return role === 'admin' ? [{ href: '/', label: 'Fleet' }, ...mine] : mine;
}

const LIVE_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };

export function LiveIndicator() {
  const state = useLiveState();
  return (
    <span className={`live live-${state}`} role="status" data-testid="live-state">
      {LIVE_TEXT[state]}
    </span>
  );
}

export function Layout({ session, children }: { session: SessionView; children: ReactNode }) {
  const [location] = useLocation();
  const signOut = useSignOut();
  const current = (href: string) =>
    href === '/' ? location === '/' || location.startsWith('/hosts') : location.startsWith(href);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">vfleet</span>
        <nav aria-label="Main">
          <ul>
            {navFor(session.role).map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={current(n.href) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <SearchBox />
        <LiveIndicator />
        <span className="who" data-testid="who">
          {session.tokenName} ({session.role}
          {session.tenant === null ? '' : ` of ${session.tenant}`})
        </span>
        <button
          type="button"
          onClick={() => {
            signOut.mutate();
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
