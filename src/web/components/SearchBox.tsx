import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { useLocation, useSearch } from 'wouter';

/** Whether a `/` key press should focus search (not while typing into a field). */
export function wantsSearchKey(
  key: string,
  target: { tagName?: string; isContentEditable?: boolean } | null,
) {
  if (key !== '/') return false;
  const tag = target?.tagName?.toUpperCase() ?? '';
  return !(
    tag === 'INPUT' ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    target?.isContentEditable === true
  );
}

/** The header's search: on every page, focused by `/`, answered on /search?q=. */
export function SearchBox() {
  const [, navigate] = useLocation();
  const search = useSearch();
  const [text, setText] = useState(() => new URLSearchParams(search).get('q') ?? '');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!wantsSearchKey(e.key, e.target instanceof HTMLElement ? e.target : null)) return;
      e.preventDefault();
      input.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
    };
  }, []);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    const q = text.trim();
    if (q !== '') navigate(`/search?${new URLSearchParams({ q }).toString()}`);
  };
  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor="global-search" className="visually-hidden">
        Search MAC, PCI address, VLAN, instance, port, network or host
      </label>
      <input
        id="global-search"
        ref={input}
        type="search"
        data-testid="search-input"
        placeholder="Search MAC, PCI, VLAN, instance… ( / )"
        aria-keyshortcuts="/"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
        }}
      />
      <button type="submit">Search</button>
    </form>
  );
}
