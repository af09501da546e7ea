// Numbers of the access rules, without imports, so the dashboard can show the same ones.

/** The password policy: at least this many characters (long passphrases beat rules on symbols). */
export const MIN_PASSWORD_LENGTH = 10;

/** How long an invitation can be accepted. */
export const INVITATION_DAYS = 7;
