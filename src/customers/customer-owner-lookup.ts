import type { WorkspaceUser } from '../access/index.ts';

/**
 * Resolves an import's owner cell to a member's user id: their email (any case), or their name
 * when exactly one member has it. Anything else is the cell's error, naming the value.
 *
 * @example ownerLookup(members)('kf@shop.cn') // 7
 */
export function ownerLookup(
  members: readonly WorkspaceUser[],
): (text: string) => number | { error: { en: string; zh: string } } {
  const byEmail = new Map(members.map((m) => [m.email.toLowerCase(), m.id]));
  const byName = new Map<string, number[]>();
  for (const m of members) {
    const name = m.name?.trim();
    if (name) byName.set(name, [...(byName.get(name) ?? []), m.id]);
  }
  return (text) => {
    const value = text.trim();
    const email = byEmail.get(value.toLowerCase());
    if (email !== undefined) return email;
    const named = byName.get(value) ?? [];
    if (named.length === 1) return named[0]!;
    const shown = [...value].slice(0, 60).join('');
    if (named.length > 1)
      return {
        error: {
          en: `"${shown}" is the name of ${named.length} members; use the email`,
          zh: `「${shown}」是 ${named.length} 位成员的名字，请填写邮箱`,
        },
      };
    return {
      error: {
        en: `"${shown}" is not a member of this workspace (use a member's email or name)`,
        zh: `「${shown}」不是本工作区的成员（请填写成员的邮箱或名字）`,
      },
    };
  };
}
