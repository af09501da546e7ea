import { ApiError } from '../../api/client.ts';
import type { useI18n } from '../../i18n/i18n.tsx';

/** The queries of the prediction page; a refresh or a check invalidates them. */
export const PREDICT_QUERIES = ['/predict/distribution', '/predict/fit', '/predict/call-list'];

/** A user-facing message for a failed prediction write: the data is too thin, or something else. */
export function predictError(error: unknown, t: ReturnType<typeof useI18n>['t']): string {
  return error instanceof ApiError && error.status === 400
    ? t('predict.error_data')
    : t('predict.error_other');
}
