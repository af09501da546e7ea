// The server names the field at fault in a 400 (`body: steps.wait_1.duration: a duration such as
// 30m…`, `journey "x": steps.send_1.templates.0: no message template "y"`, or `fields`); the builder
// shows each message beside that field.
import { ApiError } from '../../api/client.ts';

/** One problem: the journey field's path (`steps.wait_1.duration`, `trigger`, `(all)`) and the text. */
export interface FieldError {
  path: string;
  message: string;
  /** The field was empty, so left out of what was sent. */
  missing?: boolean;
}

const PREFIX = /^(?:body:\s*|journey "(?:[^"\\]|\\.)*":\s*)/;
const PATH = /^((?:[\p{L}\p{N}_-]+)(?:\.[\p{L}\p{N}_-]+)*|\(all\)):\s([\s\S]*)$/u;

/** The value at a dotted path of a JSON value (undefined when it is not there). */
function valueAt(value: unknown, path: string): unknown {
  let here = value;
  for (const part of path.split('.')) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string, unknown>)[part];
  }
  return here;
}

/**
 * The field errors in an API error's answer (the message parsed when it has no `fields`); with
 * the JSON that was `sent`, each says whether its field was left out (empty in the form).
 */
export function fieldErrors(error: unknown, sent?: unknown): FieldError[] {
  const found = parsedErrors(error);
  if (sent === undefined) return found;
  return found.map((e) => ({ ...e, missing: e.path !== '(all)' && valueAt(sent, e.path) === undefined }));
}

function parsedErrors(error: unknown): FieldError[] {
  if (!(error instanceof ApiError)) return [{ path: '(all)', message: (error as Error).message }];
  if (error.fields?.length)
    return error.fields.map((f) => ({
      path: f.field.replace(/^body\.?/, '') || '(all)',
      message: f.message,
    }));
  const rest = error.message.replace(PREFIX, '');
  const m = PATH.exec(rest);
  return [m ? { path: m[1]!, message: m[2]! } : { path: '(all)', message: error.message }];
}

/** The errors at a path or inside it (`steps.a` holds `steps.a.next`). */
export const errorsAt = (errors: FieldError[], path: string) =>
  errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`));

/** Whether an error is about a value that is not there (left empty, or said so by the server). */
export const isMissing = (e: FieldError) => e.missing === true || /received undefined/i.test(e.message);
