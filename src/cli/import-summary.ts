import type { ImportStats } from '../importing/import-service.ts';
import type { ImportLang } from '../importing/index.ts';

/** How the import ran, as far as its summary tells. */
export interface SummaryOptions {
  dryRun?: boolean;
  strict?: boolean;
  rejects?: string;
}

/**
 * The lines `retain import` prints after an import, in English or Simplified Chinese: the counts,
 * then every reason rows were not loaded one for one (never silent), then the first row errors.
 */
export function summaryLines(stats: ImportStats, options: SummaryOptions, lang: ImportLang): string[] {
  const zh = lang === 'zh-CN';
  const lines: string[] = [];
  const more = stats.rejected - 20;
  if (zh) {
    lines.push(
      `${options.dryRun ? '试运行（未做任何更改）：' : ''}读取 ${stats.read} 行，新增 ${stats.inserted}，更新 ${stats.updated}，未变 ${stats.unchanged}，` +
        `合并 ${stats.merged}，拒绝 ${stats.rejected}，游客订单 ${stats.guest}`,
    );
    if (stats.identical_lines > 0)
      lines.push(`  ${stats.identical_lines} 行明细与所在订单中的前一行相同，各自保留为一行`);
    if (stats.superseded_rows > 0)
      lines.push(`  ${stats.superseded_rows} 行被同一订单后面的行取代（以最后一行为准）`);
    if (stats.item_rows > 0) lines.push(`  ${stats.item_rows} 行商品行并入上方的订单（每件商品一行）`);
    if (stats.masked_identities > 0)
      lines.push(
        `  提示：${stats.masked_identities} 行的手机号或邮箱已打码（如 138****8000），不能识别客户，已忽略该值`,
      );
    for (const e of stats.errors.slice(0, 20)) lines.push(`  第 ${e.line} 行：${e.reason}`);
    if (more > 0)
      lines.push(
        `  ……另有 ${more} 行${options.rejects ? `（全部见 ${options.rejects}）` : '（用 --rejects 文件 获取全部）'}`,
      );
    if (options.strict && stats.rejected > 0 && !options.dryRun)
      lines.push('严格模式：有错误行，未导入任何数据');
    return lines;
  }
  lines.push(
    `${options.dryRun ? 'dry run (nothing changed): ' : ''}read ${stats.read}, inserted ${stats.inserted}, updated ${stats.updated}, unchanged ${stats.unchanged}, ` +
      `merged ${stats.merged}, rejected ${stats.rejected}, guest ${stats.guest}`,
  );
  if (stats.identical_lines > 0)
    lines.push(
      `  ${stats.identical_lines} lines identical to an earlier line of their order, each kept as a line`,
    );
  if (stats.superseded_rows > 0)
    lines.push(
      `  ${stats.superseded_rows} rows replaced by a later row of the same order (the last row wins)`,
    );
  if (stats.item_rows > 0)
    lines.push(`  ${stats.item_rows} item rows read as part of the order above them (one row per item)`);
  if (stats.masked_identities > 0)
    lines.push(
      `  warning: ${stats.masked_identities} rows had a masked phone or email (e.g. 138****8000), left out as it identifies nobody`,
    );
  for (const e of stats.errors.slice(0, 20)) lines.push(`  line ${e.line}: ${e.reason}`);
  if (more > 0)
    lines.push(
      `  … and ${more} more${options.rejects ? ` (all in ${options.rejects})` : ' (use --rejects FILE to get them all)'}`,
    );
  if (options.strict && stats.rejected > 0 && !options.dryRun)
    lines.push('strict: nothing was loaded because some rows are bad');
  return lines;
}

/** How a saved segment moved with the import. */
export function segmentLine(
  moved: { name: string; entered: number; exited: number },
  lang: ImportLang,
): string {
  return lang === 'zh-CN'
    ? `分群 ${moved.name}：进入 ${moved.entered}，退出 ${moved.exited}`
    : `segment ${moved.name}: ${moved.entered} entered, ${moved.exited} exited`;
}
