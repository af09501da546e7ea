import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { saveSettings, type Workspace } from '../src/workspaces/workspace-service.ts';
import { useLocalChannels as localChannels } from './fixtures.ts';

/**
 * The shop of the broadcast browser test: every fixture customer with an email, the email channel
 * at the local SMTP server, a mail template with the coupon code, a coupon, and broadcasts needing
 * an admin's approval. The segment 有邮箱 is made by the operator on the segments page.
 */
export async function prepareShop(
  store: Database,
  workspace: Workspace,
  emailsCsv: string,
  smtpPort: number,
) {
  await importFile(store, { kind: 'customers', file: emailsCsv, workspace });
  await localChannels(store.db, workspace.id, { smtpPort });
  await saveTemplates(store.db, workspace.id, [
    {
      name: '会员日邮件',
      channel: 'email',
      purpose: 'marketing',
      subject: { 'zh-CN': '会员日礼券 {{ coupon_code }}' },
      body: { 'zh-CN': '{{ name }}，满百减十券：{{ coupon_code }}' },
    },
  ]);
  await createCouponTemplate(store.db, workspace, {
    name: '满百减十',
    kind: 'amount_off',
    amount_off: 1000,
    threshold: 10000,
    valid_days: 30,
  });
  await saveSettings(store.db, workspace.id, {
    ...(workspace.settings as Record<string, unknown>),
    broadcasts: { require_approval: true },
  });
}
