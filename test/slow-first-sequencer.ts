import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest on the 2-core machine, started first so the suite does not end with
 * one worker busy on a long file while the other waits. Vitest would order by the durations of an
 * earlier run, but a fresh clone or CI has none (it then starts the largest files first).
 */
const SLOW = [
  'test/import-online-retail.test.ts',
  'test/cli.test.ts',
  'test/predict-cdnow.test.ts',
  'test/delivery-faults.test.ts',
  'test/serve.test.ts',
  'test/api-fuzz.test.ts',
  'test/cli-journeys.test.ts',
  'test/import-cdnow.test.ts',
  'test/dashboard-journeys.test.ts',
  'test/dashboard-settings-pages.test.ts',
  'test/dashboard.test.ts',
];

/** The known-slow files first, in the order listed; the others in vitest's order. */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = SLOW.findIndex((slow) => file.moduleId.endsWith(`/${slow}`));
      return index === -1 ? SLOW.length : index;
    };
    // Array.prototype.sort is stable: everything else keeps vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
