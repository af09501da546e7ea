import { Typography } from 'antd';
import { useSession } from '../api/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { changeColour, useRiseColour } from '../lib/rise-colour.ts';

/**
 * A figure against an earlier one, labelled (环比, 同比): relative for counts and money, in
 * percentage points for rates, coloured by the rising-colour choice.
 */
export function Change({
  label,
  now,
  before,
  rate = false,
}: {
  label: string;
  now: number | null;
  before: number | null;
  rate?: boolean;
}) {
  const { t, lang } = useI18n();
  const { fmt } = useSession();
  const rise = useRiseColour(lang);
  if (now === null || before === null || (!rate && before === 0)) {
    return (
      <Typography.Text type="secondary" data-change="none">
        {label ? `${label} ` : ''}
        {label ? t('figures.no_comparison') : '—'}
      </Typography.Text>
    );
  }
  const change = rate ? now - before : (now - before) / Math.abs(before);
  const text = rate ? fmt.points(change) : `${change > 0 ? '+' : ''}${fmt.percent(change)}`;
  return (
    <Typography.Text
      style={{ color: changeColour(rise, change) }}
      data-change={change > 0 ? 'up' : change < 0 ? 'down' : 'flat'}
    >
      {label ? `${label} ` : ''}
      {text}
    </Typography.Text>
  );
}
