// The server names the field at fault in a 400 (`body: steps.wait_1.duration: a duration such as
// 30m…`, `journey "x": steps.send_1.templates.0: no message template "y"`, or `fields`); the builder
// shows each message beside that field.
import { ApiError } from '../api/client.ts';

/** One problem: the journey field's path (`steps.wait_1.duration`, `trigger`, `(all)`) and the text. */
export interface FieldError {
  path: string;
  message: string;
}

const PREFIX = /^(?:body:\s*|journey "(?:[^"\\]|\\.)*":\s*)/;
const PATH = /^((?:[\p{L}\p{N}_-]+)(?:\.[\p{L}\p{N}_-]+)*|\(all\)):\s([\s\S]*)$/u;

/** The field errors in an API error's answer (the message parsed when it has no `fields`). */
export function fieldErrors(error: unknown): FieldError[] {
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

/** A server message in plainer words where it only says a value is missing. */
export const isMissing = (message: string) => /received undefined|expected .* received null/i.test(message);
