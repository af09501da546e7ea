import { Card, Descriptions, Tag } from 'antd';
import type { Comparison, GroupConversion } from '../../../src/journeys/journey-contract.ts';
import { useSession } from '../api/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** Figures of a comparison in the page's language: `+2.3%`, `[−1.2%, 5.8%]`, `0.012`. */
export function useComparisonText() {
  const { fmt } = useSession();
  const signed = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${fmt.percent(x)}`);
  return {
    difference: (c: Comparison) => signed(c.difference),
    ci: (c: Comparison) => (c.ci95 ? `[${signed(c.ci95[0])}, ${signed(c.ci95[1])}]` : '—'),
    p: (c: Comparison) =>
      c.p_value === null ? '—' : c.p_value < 0.001 ? `< ${fmt.number(0.001, 3)}` : fmt.number(c.p_value, 3),
  };
}

export function Significance({ c }: { c: Comparison }) {
  const { t } = useI18n();
  if (c.p_value === null) return <>—</>;
  return c.significant ? (
    <Tag color="green">{t('lift.significant')}</Tag>
  ) : (
    <Tag>{t('lift.not_significant')}</Tag>
  );
}

/**
 * Two groups' conversion side by side — the treated and a comparison group — with the difference,
 * its 95% interval, p and significance: a journey's lift over its holdout, a call's over not reached.
 */
export function LiftCard({
  title,
  labels,
  treated,
  control,
  comparison,
}: {
  title: string;
  labels: { treated: string; control: string; figures?: 'lift.group_figures' | 'lift.call_figures' };
  treated: GroupConversion;
  control: GroupConversion;
  comparison: Comparison;
}) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const text = useComparisonText();
  const group = (g: GroupConversion) =>
    t(labels.figures ?? 'lift.group_figures', {
      converted: fmt.number(g.converted),
      customers: fmt.number(g.customers),
      rate: fmt.percent(g.conversion_rate),
    });
  return (
    <Card title={title} size="small">
      <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
        <Descriptions.Item label={labels.treated}>
          <span data-lift="treated">{group(treated)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={labels.control}>
          <span data-lift="held_out">{group(control)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('lift.difference')}>
          <span data-lift="difference">{text.difference(comparison)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('lift.ci95')}>
          <span data-lift="ci95">{text.ci(comparison)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('lift.p_value')}>
          <span data-lift="p_value">{text.p(comparison)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('lift.significance')}>
          <Significance c={comparison} />
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
