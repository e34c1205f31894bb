import { LineCounter, parseDocument } from 'yaml';
import type { FlowIssue } from './flow-issue';
import { MAX_FLOW_DOCUMENT_BYTES } from './flow-limits';
import { isJsonObject, type JsonObject } from './task-tree';

export type FlowDocumentParse = { ok: true; document: JsonObject } | { ok: false; issues: FlowIssue[] };

/** `application/json` (and `+json` types) parse as JSON; every other type as YAML, of which JSON is a subset. */
export function isJsonMediaType(mediaType: string): boolean {
  const essence = (mediaType.split(';')[0] ?? '').trim().toLowerCase();
  return essence === 'application/json' || essence.endsWith('+json');
}

/**
 * Reads a flow document, YAML or JSON, into a plain object. Syntax errors name the line and
 * column. Text far over the document limit is refused before parsing; the exact limit applies to
 * the canonical JSON in validateFlow.
 */
export function parseFlowDocument(text: string, mediaType: string): FlowDocumentParse {
  // YAML is denser than JSON only by indentation and quotes: twice the limit is generous.
  if (Buffer.byteLength(text, 'utf8') > 2 * MAX_FLOW_DOCUMENT_BYTES) {
    return {
      ok: false,
      issues: [
        {
          path: '',
          rule: 'limit-document-size',
          message: `The document is over ${2 * MAX_FLOW_DOCUMENT_BYTES} bytes of text; a flow may hold ${MAX_FLOW_DOCUMENT_BYTES} bytes as JSON`,
        },
      ],
    };
  }
  const parsed = isJsonMediaType(mediaType) ? parseJson(text) : parseYaml(text);
  if (!parsed.ok) return parsed;
  if (!isJsonObject(parsed.value)) {
    return {
      ok: false,
      issues: [{ path: '', rule: 'syntax', message: 'A flow document is a mapping (document, do, …) at its root' }],
    };
  }
  return { ok: true, document: parsed.value };
}

type Parsed = { ok: true; value: unknown } | { ok: false; issues: FlowIssue[] };

function syntaxIssue(line: number, column: number, detail: string): { ok: false; issues: FlowIssue[] } {
  return {
    ok: false,
    issues: [{ path: '', rule: 'syntax', message: `Line ${line}, column ${column}: ${detail}`, line, column }],
  };
}

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const detail = message.replace(/ in JSON at position \d+.*$/, '');
    return syntaxIssue(before.length, (before.at(-1)?.length ?? 0) + 1, detail);
  }
}

function parseYaml(text: string): Parsed {
  // uniqueKeys: a repeated key is an error, not a silent overwrite of the first.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const [error] = document.errors;
  if (error) {
    const at = lineCounter.linePos(error.pos[0]);
    return syntaxIssue(at.line, at.col, error.message.split('\n')[0] ?? error.message);
  }
  try {
    // maxAliasCount bounds alias expansion ("billion laughs").
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (aliasError) {
    return syntaxIssue(1, 1, aliasError instanceof Error ? aliasError.message : String(aliasError));
  }
}
