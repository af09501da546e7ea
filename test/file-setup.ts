import { afterAll } from 'vitest';
import { setClock } from '../src/shared/clock.ts';

// The integration files share their worker process (isolate: false in vitest.config.ts), so what one
// file leaves in process-wide state must not reach the next: the fixed clock and the environment.
const environment = { ...process.env };

afterAll(() => {
  setClock(undefined);
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
});
