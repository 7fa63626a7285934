import { Link } from 'wouter';
import type { SearchAnswerView } from '../../../api/answers.js';
import { chainParts, hitKey } from './chain.js';

/** Each hit as its chain, one list item per hit, each part a link. */
export function SearchResults({ answer, admin }: { answer: SearchAnswerView; admin: boolean }) {
  return (
    <>
      <p role="status">
        {answer.results.length === 0
          ? `Nothing matches "${answer.query}".`
          : `${answer.results.length} result(s) for "${answer.query}" as ${answer.matchedAs}.`}
      </p>
      <ol className="chains" data-testid="search-results">
        {answer.results.map((hit, i) => (
          <li key={hitKey(hit, i)} data-testid="search-result" data-match={hit.match}>
            <ol className="chain" aria-label={`match by ${hit.match}`}>
              {chainParts(hit, admin).map((p) => (
                <li key={p.kind} className={p.matched ? 'matched' : undefined} data-part={p.kind}>
                  {p.href === null ? p.text : <Link href={p.href}>{p.text}</Link>}
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
    </>
  );
}
