import { parseDocument } from 'yaml';
import { parseHostState, type HostState } from '../desired-state.js';
import { VfleetError } from '../errors.js';

/**
 * A state file's text (YAML, or JSON, which YAML reads too) into a validated
 * HostState. Syntax errors become INVALID_INPUT with line and column, never
 * a parser stack.
 */
export function parseStateText(text: string, source: string): HostState {
  const doc = parseDocument(text, { uniqueKeys: true });
  const err = doc.errors[0];
  if (err !== undefined) {
    const pos = err.linePos?.[0];
    const where = pos === undefined ? '' : `:${pos.line}:${pos.col}`;
    // The parser's message repeats the position and quotes the line; keep the words.
    const reason = (err.message.split('\n')[0] ?? err.message).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    throw new VfleetError('INVALID_INPUT', `${source}${where}: not valid YAML: ${reason}`, {
      field: '(file)',
      file: source,
      ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
    });
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new VfleetError('INVALID_INPUT', `${source}: the state file is empty`, {
      field: '(root)',
      file: source,
    });
  }
  return parseHostState(data);
}
