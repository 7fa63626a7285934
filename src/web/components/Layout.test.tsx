import { describe, expect, it } from 'vitest';
import { renderAt } from '../app/static-render.js';
import { SignInPage } from '../pages/SignInPage.js';
import { Layout, navFor } from './Layout.js';
import { wantsSearchKey } from './SearchBox.js';

const session = (role: 'admin' | 'tenant') =>
  ({
    role,
    tenant: role === 'tenant' ? 'acme' : null,
    tokenName: 't',
    expiresAt: '2030-01-01T00:00:00Z',
    csrf: 'x',
  }) as const;

describe('layout', () => {
  it('gives admins the fleet and tenants only their instances and networks', () => {
    expect(navFor('admin').map((n) => n.label)).toEqual(['Fleet', 'Instances', 'Networks']);
    expect(navFor('tenant').map((n) => n.label)).toEqual(['Instances', 'Networks']);
    const html = renderAt('/instances', <Layout session={session('tenant')}>x</Layout>);
    expect(html).not.toContain('>Fleet<');
    expect(html).toContain('aria-current="page"');
  });

  it('has the search box on every page, labelled, with its / shortcut, and a main landmark', () => {
    const html = renderAt('/', <Layout session={session('admin')}>x</Layout>);
    expect(html).toContain('role="search"');
    expect(html).toContain('aria-keyshortcuts="/"');
    expect(html).toContain('<label for="global-search"');
    expect(html).toContain('<main id="main"');
  });

  it('takes / for search except while typing in a field', () => {
    expect(wantsSearchKey('/', { tagName: 'BODY' })).toBe(true);
    expect(wantsSearchKey('/', { tagName: 'INPUT' })).toBe(false);
    expect(wantsSearchKey('/', { tagName: 'DIV', isContentEditable: true })).toBe(false);
    expect(wantsSearchKey('a', null)).toBe(false);
  });
});

describe('sign-in page', () => {
  it('asks for the token in a labelled password field, never in the URL', () => {
    const html = renderAt('/', <SignInPage />);
    expect(html).toContain('data-testid="sign-in-form"');
    expect(html).toContain('<label for="token">API token</label><input id="token" type="password"');
    expect(html).toContain('method="post"');
  });
});
